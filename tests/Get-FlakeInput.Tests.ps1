BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Get-FlakeInput' {
    BeforeAll {
        $hostname = New-TestFlake hostname
        $desktop = New-TestFlake desktop
    }

    It 'lists the inputs of a flake directory in source order' {
        $inputs = Get-FlakeInput -Path $hostname
        $inputs.Name | Should -Be @('nixpkgs', 'home-manager', 'hyprland', 'waybar')
        $inputs[0] | Should -BeOfType ([FlakeTools.Core.Project.FlakeInput])
        $inputs[2].Url | Should -Be 'github:hyprwm/Hyprland/v0.29.1'
        $inputs[2].Ref | Should -Be 'v0.29.1'
        $inputs[2].Owner | Should -Be 'hyprwm'
        $inputs[2].InputFollows['nixpkgs'] | Should -Be 'nixpkgs'
        $inputs[2].Path | Should -Be $hostname
        $inputs[2].Line | Should -Be 8
    }

    It 'accepts the flake.nix file itself and the current directory' {
        (Get-FlakeInput -Path (Join-Path $hostname 'flake.nix')).Count | Should -Be 4
        Push-Location $hostname
        try { (Get-FlakeInput).Count | Should -Be 4 } finally { Pop-Location }
    }

    It 'filters names with wildcards' {
        (Get-FlakeInput -Path $hostname hypr*).Name | Should -Be 'hyprland'
        (Get-FlakeInput -Path $hostname *MANAGER).Name | Should -Be 'home-manager'
        Get-FlakeInput -Path $hostname nothing* | Should -BeNullOrEmpty
    }

    It 'reports a missing name as InputNotFound with the input name as target' {
        { Get-FlakeInput -Path $hostname elgato -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotFound,FlakeTools.Commands.GetFlakeInputCommand'
        Get-FlakeInput -Path $hostname elgato -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].TargetObject | Should -Be 'elgato'
        $err[0].Exception.Message | Should -Match 'its inputs are: nixpkgs, home-manager, hyprland, waybar'
    }

    It 'puts lock data on each input' {
        $hyprland = Get-FlakeInput -Path $desktop hyprland
        $hyprland.Locked.Rev | Should -Match '^[0-9a-f]{40}$'
        $hyprland.Locked.LastModified | Should -BeOfType ([DateTimeOffset])
        $hyprland.Locked.Age | Should -BeOfType ([TimeSpan])
        $hyprland.Locked.Age.TotalDays | Should -BeGreaterThan 30
        Get-FlakeInput -Path $desktop | Where-Object { $_.Locked.Age -gt [timespan]::FromDays(30) } | Should -HaveCount 5
    }

    It 'binds paths from the pipeline by property name' {
        $both = Get-Item $hostname, $desktop | Get-FlakeInput
        $both.Count | Should -Be 9
        ($both | Select-Object -ExpandProperty Path -Unique).Count | Should -Be 2
    }

    It 'resolves wildcards in -Path and takes -LiteralPath literally' {
        $odd = New-TestFlake kahless -Destination (Join-Path $TestDrive 'odd[1]')
        (Get-FlakeInput -LiteralPath $odd).Count | Should -Be 4
        (Get-FlakeInput -Path (Join-Path $TestDrive 'h*name')).Count | Should -Be 4
    }

    It 'reports a directory without flake.nix and a missing path' {
        $empty = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty') -Force
        { Get-FlakeInput -Path $empty -ErrorAction Stop } | Should -Throw -ErrorId 'FlakeNotFound,FlakeTools.Commands.GetFlakeInputCommand'
        { Get-FlakeInput -Path (Join-Path $TestDrive 'nowhere') -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,FlakeTools.Commands.GetFlakeInputCommand'
    }

    It 'names a flake.nix that is not UTF-8 by its own id' {
        $bad = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'latin1') -Force
        [IO.File]::WriteAllBytes((Join-Path $bad 'flake.nix'), [byte[]](0x7b, 0x20, 0x64, 0xe9, 0x20, 0x7d))
        Get-FlakeInput -Path $bad -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'FlakeNotUtf8,FlakeTools.Commands.GetFlakeInputCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -Match 'not UTF-8'
    }

    It 'says what Nix says about inputs written as a // merge' {
        $merged = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'merged') -Force
        Set-Content -LiteralPath (Join-Path $merged 'flake.nix') -Value "{`n  inputs = { a.url = `"path:/a`"; } // { b.url = `"path:/b`"; };`n  outputs = { self, a, b }: { };`n}"
        Get-FlakeInput -Path $merged -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'FlakeParseError,FlakeTools.Commands.GetFlakeInputCommand'
        $err[0].Exception.Message | Should -Match "expected a set but got a thunk"
        $err[0].Exception.Message | Should -Not -Match 'nix flake check'
        if (Initialize-Nix) {
            # The message quotes Nix: check that Nix really refuses the file with it.
            $nixSays = & nix flake metadata $merged.FullName 2>&1 | Out-String
            $nixSays | Should -Match 'expected a set but got a thunk'
        }
    }

    It 'refuses a non-file-system path' {
        { Get-FlakeInput -Path 'Env:\PATH' -ErrorAction Stop } | Should -Throw -ErrorId 'NotFileSystemPath,FlakeTools.Commands.GetFlakeInputCommand'
    }

    It 'reports broken Nix with file, line and column' {
        $broken = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'broken') -Force
        Set-Content -LiteralPath (Join-Path $broken 'flake.nix') -Value "{`n  inputs.a.url = `"github:o/r`"`n}" -NoNewline
        Get-FlakeInput -Path $broken -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'FlakeParseError,FlakeTools.Commands.GetFlakeInputCommand'
        $err[0].Exception.Message | Should -Match 'flake\.nix:3:1: expected'
        $err[0].TargetObject | Should -BeLike '*flake.nix'
    }

    It 'lists the inputs of a flake with an undefined variable, warning where it is' {
        # Nix refuses the file ("undefined variable 'typo'"), but it is well-formed: it is read, and Set-FlakeInput can still fix it.
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'undefined') -Force
        Set-Content -LiteralPath (Join-Path $dir 'flake.nix') -Value "{`n  inputs.nixpkgs.url = `"github:NixOS/nixpkgs`";`n  outputs = { self, nixpkgs }: { x = typo; };`n}`n" -NoNewline
        $inputs = Get-FlakeInput -Path $dir -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $inputs.Name | Should -Be 'nixpkgs'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "$(Join-Path $dir 'flake.nix'):3:38: undefined variable 'typo'*"
        Set-FlakeInput -Path $dir -Name nixpkgs -Ref nixos-24.05 -WarningAction SilentlyContinue
        (Get-Content -Raw -LiteralPath (Join-Path $dir 'flake.nix')) | Should -BeLike '*github:NixOS/nixpkgs/nixos-24.05*typo*'
    }

    It 'lists every input when one reference cannot be read, warning about that one' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'oneodd') -Force
        $text = "{`n  inputs = {`n    nixpkgs.url = github:NixOS/nixpkgs/nixos-24.05;`n    broken.url = `"github:owner`";`n    branch.url = `"github:owner/repo/fix/some-branch`";`n  };`n  outputs = { self, ... }: { };`n}`n"
        Set-Content -LiteralPath (Join-Path $dir 'flake.nix') -Value $text -NoNewline
        $inputs = Get-FlakeInput -Path $dir -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $inputs.Name | Should -Be @('nixpkgs', 'broken', 'branch')
        $inputs[0].Url | Should -BeExactly 'github:NixOS/nixpkgs/nixos-24.05'
        $inputs[0].Ref | Should -BeExactly 'nixos-24.05'
        $inputs[1].Reference | Should -BeNullOrEmpty
        $inputs[1].ReferenceError | Should -BeExactly "'github:owner' is not a valid flake reference: a github reference needs an owner and a repository: github:<owner>/<repo>[/<branch, tag or commit>]"
        $inputs[2].Ref | Should -BeExactly 'fix/some-branch'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeExactly ("$(Join-Path $dir 'flake.nix'):4: input 'broken' is listed without its reference: " + $inputs[1].ReferenceError)
    }

    It 'warns about a broken lock and still lists the inputs' {
        $dir = New-TestFlake desktop -Destination (Join-Path $TestDrive 'badlock')
        Set-Content -LiteralPath (Join-Path $dir 'flake.lock') -Value '{ broken'
        $inputs = Get-FlakeInput -Path $dir -WarningVariable warnings -WarningAction SilentlyContinue
        $inputs.Count | Should -Be 5
        $inputs[0].Locked | Should -BeNullOrEmpty
        $warnings[0] | Should -Match 'not valid JSON'
    }

    It 'shows a table with the useful columns by default' {
        $table = Get-FlakeInput -Path $desktop | Out-String -Width 200
        $table | Should -Match 'Name\s+Type\s+Source\s+Ref\s+Locked\s+Age\s+Follows'
        $table | Should -Match 'hyprland\s+github\s+hyprwm/Hyprland\s+v0\.41\.2'
    }

    It 'completes input names from the flake at -Path' {
        $line = "Get-FlakeInput -Path '$hostname' hy"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('hyprland')
        $line = "Set-FlakeInput -Path '$hostname' -Name "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('nixpkgs', 'home-manager', 'hyprland', 'waybar')
    }

}
