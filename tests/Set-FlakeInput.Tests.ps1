BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Set-FlakeInput' {
    BeforeEach {
        $hostname = New-TestFlake hostname
        $kahless = New-TestFlake kahless
        $hostnameFlake = Join-Path $hostname 'flake.nix'
        $original = Get-Content -LiteralPath $hostnameFlake -Raw
    }

    It 'changes the ref of an input from the pipeline, and only that line' {
        Get-FlakeInput -Path $hostname hyprland | Set-FlakeInput -Ref v0.30.0
        Get-Content -LiteralPath $hostnameFlake -Raw | Should -BeExactly ($original -replace 'Hyprland/v0\.29\.1', 'Hyprland/v0.30.0')
        (Get-FlakeInput -Path $hostname hyprland).Ref | Should -Be 'v0.30.0'
    }

    It 'leaves the file byte for byte unchanged with -WhatIf' {
        $before = Get-FileBytesHash $hostnameFlake
        Get-FlakeInput -Path $hostname hyprland | Set-FlakeInput -Ref v0.30.0 -WhatIf
        Set-FlakeInput -Path $hostname waybar -Url github:Alexays/Waybar/0.10.0 -WhatIf
        Get-FileBytesHash $hostnameFlake | Should -Be $before
    }

    It 'returns the changed input with -PassThru' {
        $changed = Set-FlakeInput -Path $hostname waybar -Url 'github:Alexays/Waybar/0.10.0' -PassThru
        $changed | Should -BeOfType ([FlakeTools.Core.Project.FlakeInput])
        $changed.Ref | Should -Be '0.10.0'
        $changed.Name | Should -Be 'waybar'
    }

    It 'adds follows in the style of the input' {
        Set-FlakeInput -Path $kahless elgato -Follows @{ nixpkgs = 'nixpkgs' }
        $text = Get-Content -LiteralPath (Join-Path $kahless 'flake.nix') -Raw
        $text | Should -Match '(?m)^  inputs\.elgato\.url = "github:waxlamp/elgato/flakes";\n  inputs\.elgato\.inputs\.nixpkgs\.follows = "nixpkgs";$'
        (Get-FlakeInput -Path $kahless elgato).InputFollows['nixpkgs'] | Should -Be 'nixpkgs'
    }

    It 'writes flake = false' {
        Set-FlakeInput -Path $hostname waybar -Flake:$false
        (Get-FlakeInput -Path $hostname waybar).IsFlake | Should -BeFalse
    }

    It 'pins a commit with -Rev' {
        Set-FlakeInput -Path $hostname nixpkgs -Rev 0123456789abcdef0123456789abcdef01234567
        (Get-FlakeInput -Path $hostname nixpkgs).Url | Should -Be 'github:nixos/nixpkgs/0123456789abcdef0123456789abcdef01234567'
    }

    It 'does not touch the file when nothing changes' {
        $stamp = [datetime]::new(2001, 2, 3)
        (Get-Item $hostnameFlake).LastWriteTime = $stamp
        Set-FlakeInput -Path $hostname hyprland -Ref v0.29.1
        (Get-Item $hostnameFlake).LastWriteTime | Should -Be $stamp
    }

    It 'reports an unknown input' {
        { Set-FlakeInput -Path $hostname elgato -Ref x -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotFound,FlakeTools.Commands.SetFlakeInputCommand'
    }

    It 'reports an invalid reference naming the bad part' {
        Set-FlakeInput -Path $hostname waybar -Url 'github:Alexays' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidReference,FlakeTools.Commands.SetFlakeInputCommand'
        $err[0].Exception.Message | Should -Match 'needs an owner and a repository'
        Get-Content -LiteralPath $hostnameFlake -Raw | Should -BeExactly $original
    }

    It 'reports a read-only file and leaves it alone' {
        if ((id -u) -eq '0') {
            # Root may write a 0444 file (the kernel allows it, and so does FlakeTools, issue 12);
            # FileSafety.Tests.ps1 checks the refusal as root without CAP_DAC_OVERRIDE.
            Set-ItResult -Skipped -Because 'running as root, which may write a 0444 file; FileSafety.Tests.ps1 checks the refusal'
            return
        }
        chmod 444 $hostnameFlake
        try {
            Set-FlakeInput -Path $hostname hyprland -Ref v0.30.0 -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be 'FileReadOnly,FlakeTools.Commands.SetFlakeInputCommand'
            $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err[0].TargetObject | Should -Be $hostnameFlake
            Get-Content -LiteralPath $hostnameFlake -Raw | Should -BeExactly $original
        }
        finally { chmod 644 $hostnameFlake }
    }

    It 'asks for something to change' {
        { Set-FlakeInput -Path $hostname hyprland -ErrorAction Stop } | Should -Throw -ErrorId 'NothingToChange,FlakeTools.Commands.SetFlakeInputCommand'
    }

    It 'asks before writing: -Confirm:$false writes, -WhatIf shows the file and the change' {
        $transcript = Join-Path $TestDrive 'confirm.txt'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { Set-FlakeInput -Path $hostname hyprland -Ref v0.30.0 -WhatIf } finally { Stop-Transcript | Out-Null }
        Get-Content -LiteralPath $transcript -Raw | Should -Match ('What if: .*Hyprland/v0\.30\.0[\s\S]*on target "' + [regex]::Escape($hostnameFlake) + '"')
        Get-Content -LiteralPath $hostnameFlake -Raw | Should -BeExactly $original
        # With $ConfirmPreference at Low every change would ask; -Confirm:$false answers for it.
        & { $ConfirmPreference = 'Low'; Set-FlakeInput -Path $hostname hyprland -Ref v0.30.0 -Confirm:$false }
        Get-Content -LiteralPath $hostnameFlake -Raw | Should -BeExactly ($original -replace 'Hyprland/v0\.29\.1', 'Hyprland/v0.30.0')
    }

    It 'changes the ref of a URI literal and nothing else, while another input cannot be read' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'urilit') -Force
        $flake = Join-Path $dir 'flake.nix'
        $text = "{`n  inputs = {`n    a.url = github:owner/a; # unquoted`n    b.url = github:owner/b/fix/one;`n    broken.url = `"github:owner`";`n  };`n  outputs = { self, ... }: { };`n}`n"
        Set-Content -LiteralPath $flake -Value $text -NoNewline
        Set-FlakeInput -Path $dir a -Ref v2 -WarningAction SilentlyContinue
        Get-Content -LiteralPath $flake -Raw | Should -BeExactly ($text.Replace('a.url = github:owner/a;', 'a.url = github:owner/a/v2;'))
        Set-FlakeInput -Path $dir b -Ref fix/two -WarningAction SilentlyContinue
        Get-Content -LiteralPath $flake -Raw | Should -BeExactly ($text.Replace('a.url = github:owner/a;', 'a.url = github:owner/a/v2;').Replace('b.url = github:owner/b/fix/one;', 'b.url = github:owner/b/fix/two;'))
        (Get-FlakeInput -Path $dir b -WarningAction SilentlyContinue).Ref | Should -BeExactly 'fix/two'
    }
}
