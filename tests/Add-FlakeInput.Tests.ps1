BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Add-FlakeInput' {
    BeforeEach {
        $hostname = New-TestFlake hostname
        $kahless = New-TestFlake kahless
    }

    It 'adds an input in the style of the block and names it in the outputs arguments' {
        Add-FlakeInput -Path $hostname nixpkgs-unstable github:NixOS/nixpkgs/nixos-unstable
        $text = Get-Content -LiteralPath (Join-Path $hostname 'flake.nix') -Raw
        $text | Should -Match '(?m)^    waybar\.inputs\.nixpkgs\.follows = "nixpkgs";\n    nixpkgs-unstable\.url = "github:NixOS/nixpkgs/nixos-unstable";$'
        $text | Should -Match '\{ nixpkgs, home-manager, hyprland, waybar, nixpkgs-unstable, \.\.\. \}@inputs'
    }

    It 'adds follows and flake = false, and returns the input with -PassThru' {
        $added = Add-FlakeInput -Path $kahless waybar github:Alexays/Waybar/0.9.22 -Follows @{ nixpkgs = 'nixpkgs' } -PassThru
        $added.Name | Should -Be 'waybar'
        $added.InputFollows['nixpkgs'] | Should -Be 'nixpkgs'
        Add-FlakeInput -Path $kahless wallpapers git+https://example.org/walls.git -Flake:$false
        (Get-FlakeInput -Path $kahless wallpapers).IsFlake | Should -BeFalse
    }

    It 'leaves the file unchanged with -WhatIf' {
        $flake = Join-Path $hostname 'flake.nix'
        $before = Get-FileBytesHash $flake
        Add-FlakeInput -Path $hostname elgato github:waxlamp/elgato/flakes -WhatIf
        Get-FileBytesHash $flake | Should -Be $before
    }

    It 'refuses an existing name' {
        { Add-FlakeInput -Path $hostname hyprland github:hyprwm/Hyprland -ErrorAction Stop } | Should -Throw -ErrorId 'InputExists,FlakeTools.Commands.AddFlakeInputCommand'
    }

    It 'refuses an invalid reference' {
        { Add-FlakeInput -Path $hostname x 'svn://example.org/x' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidReference,FlakeTools.Commands.AddFlakeInputCommand'
    }

    It 'refuses a name Nix cannot take, and quotes one that only needs quoting' {
        { Add-FlakeInput -Path $hostname 'self' github:o/r -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidInputName,FlakeTools.Commands.AddFlakeInputCommand'
        Add-FlakeInput -Path $hostname '1bad' github:o/r
        Get-Content -LiteralPath (Join-Path $hostname 'flake.nix') -Raw | Should -Match '(?m)^    "1bad"\.url = "github:o/r";$'
    }
}
