BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Remove-FlakeInput' {
    BeforeEach {
        $hostname = New-TestFlake hostname
        $flake = Join-Path $hostname 'flake.nix'
        $original = Get-Content -LiteralPath $flake -Raw
    }

    It 'removes an input with its follows lines and outputs argument' {
        Get-FlakeInput -Path $hostname waybar | Remove-FlakeInput -Confirm:$false
        $expected = $original -replace '    waybar\.url = "github:Alexays/waybar/0\.9\.22";\n    waybar\.inputs\.nixpkgs\.follows = "nixpkgs";\n', '' -replace 'hyprland, waybar, \.\.\.', 'hyprland, ...'
        Get-Content -LiteralPath $flake -Raw | Should -BeExactly $expected
    }

    It 'leaves the file unchanged with -WhatIf' {
        Remove-FlakeInput -Path $hostname waybar -WhatIf
        Get-Content -LiteralPath $flake -Raw | Should -BeExactly $original
    }

    It 'refuses to remove an input the outputs still use' {
        Remove-FlakeInput -Path $hostname home-manager -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'EditFailed,FlakeTools.Commands.RemoveFlakeInputCommand'
        $err[0].Exception.Message | Should -Match 'still used by outputs .* line 23'
        Get-Content -LiteralPath $flake -Raw | Should -BeExactly $original
    }

    It 'reports an unknown input' {
        { Remove-FlakeInput -Path $hostname elgato -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotFound,FlakeTools.Commands.RemoveFlakeInputCommand'
    }

    It 'has a confirm impact that asks under -Confirm' {
        (Get-Command Remove-FlakeInput).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'Medium'
    }
}
