BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force

    # kahless as it was before its thread was answered: pkgs-unstable from legacyPackages.
    function New-KahlessBefore([string] $Name) {
        $dir = New-TestFlake kahless -Destination (Join-Path $TestDrive $Name)
        $flake = Join-Path $dir 'flake.nix'
        $text = (Get-Content -LiteralPath $flake -Raw) -replace '(?s)pkgs-unstable = import nixpkgs-unstable \{.*?\};', 'pkgs-unstable = nixpkgs-unstable.legacyPackages.x86_64-linux;'
        Set-Content -LiteralPath $flake -Value $text -NoNewline
        $dir
    }
}

Describe 'Get-NixUnfreeConfig' {
    It 'reads kahless: the NixOS allowUnfree counts, the one in home.nix does not, pkgs-unstable has its own' {
        $kahless = New-TestFlake kahless
        $settings = Get-NixUnfreeConfig -Path $kahless
        $settings | Should -BeOfType ([FlakeTools.Core.Unfree.UnfreeSetting])
        $system = $settings | Where-Object Scope -eq NixOS
        $system.Setting | Should -Be 'allowUnfree'
        $system.Effective | Should -BeTrue
        $system.Location | Should -Be 'flake.nix:42'
        $homeRow = $settings | Where-Object Scope -eq HomeManagerInNixOS
        $homeRow.Configuration | Should -Be 'kahless/roni'
        $homeRow.Effective | Should -BeFalse
        $homeRow.Reason | Should -Match 'useGlobalPkgs'
        $homeRow.Path | Should -Be (Join-Path $kahless 'home.nix')
        ($settings | Where-Object Scope -eq PackageSet).PackageSet | Should -Be 'pkgs-unstable = import nixpkgs-unstable'
    }

    It 'says that nixpkgs-unstable through legacyPackages has no unfree' {
        $dir = New-KahlessBefore 'get-before'
        $none = Get-NixUnfreeConfig -Path $dir -Setting '(none)'
        $none.PackageSet | Should -Be 'pkgs-unstable = nixpkgs-unstable.legacyPackages'
        $none.Effective | Should -BeFalse
        $none.Fix | Should -Match 'config.allowUnfree = true'
    }

    It 'reads hostname: home.nix nixpkgs.config is ignored on release-23.05, honoured on release-23.11' {
        $hostname = New-TestFlake hostname
        $row = Get-NixUnfreeConfig -Path $hostname -Configuration 'username@hostname'
        $row.Effective | Should -BeFalse
        $row.HomeManagerRelease | Should -Match 'release-23.05'
        $flake = Join-Path $hostname 'flake.nix'
        (Get-Content -LiteralPath $flake -Raw).Replace('release-23.05', 'release-23.11') | Set-Content -LiteralPath $flake -NoNewline
        (Get-NixUnfreeConfig -Path $hostname -Configuration 'username@hostname').Effective | Should -BeTrue
    }

    It 'filters by configuration and setting, with wildcards' {
        $kahless = New-TestFlake kahless -Destination (Join-Path $TestDrive 'filter')
        (Get-NixUnfreeConfig -Path $kahless -Configuration 'kahless/*').Configuration | Should -Be 'kahless/roni'
        @(Get-NixUnfreeConfig -Path $kahless -Configuration kahless).Count | Should -Be 3
        @(Get-NixUnfreeConfig -Path $kahless -Configuration kahless -Setting 'allow*').Count | Should -Be 3
        Get-NixUnfreeConfig -Path $kahless -Setting permittedInsecurePackages | Should -BeNullOrEmpty
    }

    It 'reads a single module file and a config.nix' {
        $module = Join-Path $TestDrive 'steam.nix'
        Set-Content -LiteralPath $module -Value '{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ "steam" "steam-run" ]; }'
        $row = Get-NixUnfreeConfig -LiteralPath $module
        $row.Scope | Should -Be 'Module'
        $row.Packages | Should -Be @('steam', 'steam-run')
        $row.Effective | Should -BeNullOrEmpty
        $configNix = Join-Path $TestDrive 'nixpkgs/config.nix'
        $null = New-Item -ItemType Directory -Force (Split-Path $configNix)
        Set-Content -LiteralPath $configNix -Value '{ allowUnfree = true; }'
        $config = Get-NixUnfreeConfig -LiteralPath $configNix
        $config.Scope | Should -Be 'ConfigFile'
        $config.Value | Should -Be 'true'
    }

    It 'shows a table with Path:Line' {
        $kahless = New-TestFlake kahless -Destination (Join-Path $TestDrive 'table')
        $table = Get-NixUnfreeConfig -Path $kahless | Format-Table | Out-String -Width 200
        $table | Should -Match 'Path:Line'
        $table | Should -Match 'home.nix:4'
    }

    It 'writes an error for a path that does not exist' {
        { Get-NixUnfreeConfig -LiteralPath (Join-Path $TestDrive 'nothing.nix') -ErrorAction Stop } | Should -Throw -ErrorId 'UnfreeFileNotReadable,FlakeTools.Commands.GetNixUnfreeConfigCommand'
    }
}

Describe 'Set-NixUnfreeConfig' {
    It 'makes a pkgs-unstable with config.allowUnfree, the way the kahless thread was answered' {
        $dir = New-KahlessBefore 'set-kahless'
        Set-NixUnfreeConfig -Path $dir -Configuration kahless -AllowUnfree
        $expected = Get-Content -LiteralPath (Join-Path (Get-SharedFixtures) 'kahless/flake.nix') -Raw
        Get-Content -LiteralPath (Join-Path $dir 'flake.nix') -Raw | Should -BeExactly $expected
    }

    It '-WhatIf shows the lines and writes nothing' {
        $dir = New-KahlessBefore 'whatif'
        $before = Get-FileBytesHash (Join-Path $dir 'flake.nix')
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { Set-NixUnfreeConfig -Path $dir -Configuration kahless -AllowUnfree -WhatIf } finally { Stop-Transcript | Out-Null }
        $text = Get-Content -LiteralPath $transcript -Raw
        $text | Should -Match 'What if: .*Set unfree: kahless: pkgs-unstable'
        $text | Should -Match '\+\s+config.allowUnfree = true;'
        Get-FileBytesHash (Join-Path $dir 'flake.nix') | Should -Be $before
    }

    It 'refuses a setting in home.nix when home-manager uses the system pkgs, and says why' {
        $kahless = New-TestFlake kahless -Destination (Join-Path $TestDrive 'refuse')
        { Set-NixUnfreeConfig -Path $kahless -Configuration 'kahless/roni' -Package spotify -ErrorAction Stop } | Should -Throw -ErrorId 'UnfreeEditNotEffective,FlakeTools.Commands.SetNixUnfreeConfigCommand'
    }

    It 'adds and removes package names, and -PassThru gives the settings back' {
        $dir = New-TestFlake hostname -Destination (Join-Path $TestDrive 'packages')
        $out = Set-NixUnfreeConfig -Path $dir -Configuration hostname -Package spotify, steam -PassThru
        $predicate = $out | Where-Object Setting -eq allowUnfreePredicate
        $predicate.Packages | Should -Be @('spotify', 'steam')
        $predicate.Effective | Should -BeTrue
        Get-Content -LiteralPath (Join-Path $dir 'configuration.nix') -Raw | Should -Match ([regex]::Escape('{ inputs, pkgs, lib, ... }:'))
        Set-NixUnfreeConfig -Path $dir -Configuration hostname -Package steam -Remove
        (Get-NixUnfreeConfig -Path $dir -Configuration hostname).Packages | Should -Be @('spotify')
    }

    It 'permits an insecure package' {
        $dir = New-TestFlake hostname -Destination (Join-Path $TestDrive 'insecure')
        Set-NixUnfreeConfig -Path $dir -Configuration hostname -Insecure 'electron-25.9.0'
        (Get-NixUnfreeConfig -Path $dir -Setting permittedInsecurePackages).Packages | Should -Be @('electron-25.9.0')
    }

    It 'binds Path and Configuration from Get-NixUnfreeConfig' {
        $dir = New-KahlessBefore 'pipeline'
        Get-NixUnfreeConfig -Path $dir -Setting '(none)' | Set-NixUnfreeConfig -AllowUnfree
        (Get-NixUnfreeConfig -Path $dir | Where-Object Scope -eq PackageSet).Effective | Should -BeTrue
    }

    It 'needs exactly one change' {
        { Set-NixUnfreeConfig -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'UnfreeChangeMissing,FlakeTools.Commands.SetNixUnfreeConfigCommand'
        { Set-NixUnfreeConfig -Path $TestDrive -AllowUnfree -Package a -ErrorAction Stop } | Should -Throw -ErrorId 'UnfreeChangeMissing,FlakeTools.Commands.SetNixUnfreeConfigCommand'
    }

    It 'completes configuration names' {
        $dir = New-TestFlake hostname -Destination (Join-Path $TestDrive 'complete')
        $line = "Set-NixUnfreeConfig -Path '$dir' -Configuration user"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Contain "'username@hostname'"
    }
}
