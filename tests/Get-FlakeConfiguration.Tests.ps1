BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Get-FlakeConfiguration' {
    BeforeAll {
        $hostname = New-TestFlake hostname
        $kahless = New-TestFlake kahless
    }

    It 'lists every configuration with kind, system, builder, special arguments and pkgs' {
        $all = Get-FlakeConfiguration -Path $hostname
        $all.Name | Should -Be @('hostname', 'username@hostname')
        $all[0] | Should -BeOfType ([FlakeTools.Core.Configurations.FlakeConfiguration])
        $all[0].Kind | Should -Be 'NixOS'
        $all[0].Builder | Should -Be 'nixpkgs.lib.nixosSystem'
        $all[0].SpecialArgs | Should -Be @('inputs')
        "$($all[0].Pkgs)" | Should -Be 'nixpkgs (default)'
        $all[1].Kind | Should -Be 'HomeManager'
        $all[1].System | Should -Be 'x86_64-linux'
        $all[1].Pkgs.Kind | Should -Be 'LegacyPackages'
        $all[1].Path | Should -Be $hostname
        $all[1].File | Should -Be (Join-Path $hostname 'flake.nix')
        $all[1].Line | Should -Be 23
        $all | ForEach-Object { $_.Unresolved | Should -BeNullOrEmpty }
    }

    It 'shows home-manager used as a NixOS module' {
        $config = Get-FlakeConfiguration -Path $kahless kahless
        $config.HomeManager.Users | Should -Be @('roni')
        $config.HomeManager.UseGlobalPkgs | Should -BeTrue
        $config.HomeManager.ExtraSpecialArgs | Should -Be @('elgato', 'pkgs-unstable')
        ($config.Modules | Where-Object Context -eq 'HomeManagerInNixOS').Name | Should -Be 'home.nix'
    }

    It 'filters names with wildcards and reports a missing name with the names there are' {
        (Get-FlakeConfiguration -Path $hostname user*).Name | Should -Be 'username@hostname'
        Get-FlakeConfiguration -Path $hostname nothing* | Should -BeNullOrEmpty
        Get-FlakeConfiguration -Path $hostname kahless -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ConfigurationNotFound,FlakeTools.Commands.GetFlakeConfigurationCommand'
        $err[0].TargetObject | Should -Be 'kahless'
        $err[0].Exception.Message | Should -Match 'its configurations are: hostname, username@hostname'
    }

    It 'takes paths from the pipeline and -LiteralPath literally' {
        (Get-Item $hostname, $kahless | Get-FlakeConfiguration).Count | Should -Be 3
        $odd = New-TestFlake kahless -Destination (Join-Path $TestDrive 'odd[1]')
        (Get-FlakeConfiguration -LiteralPath $odd).Name | Should -Be 'kahless'
    }

    It 'lists a configuration it cannot read with the reason, and says it with -Verbose' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'dynamic') -Force
        Set-Content -LiteralPath (Join-Path $dir 'flake.nix') -Value @'
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem (builtins.fromJSON (builtins.readFile ./args.json));
  };
}
'@
        $box = Get-FlakeConfiguration -Path $dir -Verbose 4>&1
        $verbose = $box | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $config = $box | Where-Object { $_ -is [FlakeTools.Core.Configurations.FlakeConfiguration] }
        $config.Name | Should -Be 'box'
        $config.Unresolved[0] | Should -Match 'the arguments of nixpkgs.lib.nixosSystem'
        "$verbose" | Should -Match 'nixosConfigurations.box: unresolved'
    }

    It 'reports a flake that does not parse' {
        $broken = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'broken') -Force
        Set-Content -LiteralPath (Join-Path $broken 'flake.nix') -Value "{`n  outputs = { ... }: {`n}" -NoNewline
        { Get-FlakeConfiguration -Path $broken -ErrorAction Stop } | Should -Throw -ErrorId 'FlakeParseError,FlakeTools.Commands.GetFlakeConfigurationCommand'
    }

    It 'shows a table with the useful columns by default' {
        $table = Get-FlakeConfiguration -Path $hostname | Out-String -Width 200
        $table | Should -Match 'Name\s+Kind\s+System\s+SpecialArgs\s+Modules\s+Pkgs'
        $table | Should -Match 'username@hostname\s+HomeManager\s+x86_64-linux\s+inputs\s+1\s+nixpkgs\.legacyPackages'
    }

    It 'completes configuration names from the flake at -Path, quoting where needed' {
        $line = "Get-FlakeConfiguration -Path '$hostname' user"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("'username@hostname'")
        $line = "Get-FlakeConfiguration -Path '$hostname' "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText | Should -Be @('hostname', 'username@hostname')
    }

    It 'declares the type it writes' {
        (Get-Command Get-FlakeConfiguration).OutputType.Type | Should -Be ([FlakeTools.Core.Configurations.FlakeConfiguration])
    }
}
