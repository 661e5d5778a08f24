BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Get-FlakeModule' {
    BeforeAll {
        $hostname = New-TestFlake hostname
        $kahless = New-TestFlake kahless
    }

    It 'answers how each argument reaches home.nix' {
        $homeModule = Get-FlakeModule -Path $kahless -Configuration kahless | Where-Object Name -eq 'home.nix'
        $homeModule | Should -BeOfType ([FlakeTools.Core.Configurations.FlakeModule])
        $homeModule.Context | Should -Be 'HomeManagerInNixOS'
        $homeModule.User | Should -Be 'roni'
        $homeModule.Arguments | Should -Be @('pkgs', 'elgato', 'pkgs-unstable')
        $homeModule.ReceivedVia['elgato'] | Should -Be 'ExtraSpecialArgs'
        $homeModule.ReceivedVia['pkgs'] | Should -Be 'ModuleSystem'
        $homeModule.MissingArguments | Should -BeNullOrEmpty
        $homeModule.Path | Should -Be (Join-Path $kahless 'home.nix')
        $homeModule.Line | Should -Be 1
    }

    It 'lists the modules of every configuration, in the order the module system sees them' {
        $modules = Get-FlakeModule -Path $hostname
        $modules.Configuration | Should -Be @('hostname', 'username@hostname')
        $modules.Name | Should -Be @('configuration.nix', 'home-manager/username.nix')
        $modules.Context | Should -Be @('NixOS', 'HomeManager')
        $modules[0].ReceivedVia['inputs'] | Should -Be 'SpecialArgs'
        $modules[1].ReceivedVia['inputs'] | Should -Be 'ExtraSpecialArgs'
    }

    It 'finds modules that ask for arguments nobody passes' {
        $dir = New-TestFlake kahless -Destination (Join-Path $TestDrive 'missing')
        Set-Content -LiteralPath (Join-Path $dir 'home.nix') -Value '{ pkgs, inputs, ... }: { home.stateVersion = "22.05"; }'
        $missing = Get-FlakeModule -Path $dir | Where-Object MissingArguments
        $missing.Name | Should -Be 'home.nix'
        $missing.MissingArguments | Should -Be @('inputs')
        $missing.ReceivedVia['inputs'] | Should -Be 'None'
    }

    It 'takes configurations from Get-FlakeConfiguration through the pipeline' {
        $modules = Get-FlakeConfiguration -Path $hostname 'username@hostname' | Get-FlakeModule
        $modules.Name | Should -Be 'home-manager/username.nix'
        (Get-FlakeConfiguration -Path $hostname, $kahless | Get-FlakeModule).Count | Should -Be 8
    }

    It 'writes paths that Get-Item takes' {
        $items = Get-FlakeModule -Path $kahless | Where-Object Kind -eq 'File' | Get-Item
        $items.Name | Should -Be @('configuration.nix', 'home.nix')
    }

    It 'reports missing files and import cycles on the module and goes on' {
        $dir = New-TestFlake hostname -Destination (Join-Path $TestDrive 'cycle')
        Set-Content -LiteralPath (Join-Path $dir 'configuration.nix') -Value '{ imports = [ ./a.nix ./gone.nix ./b.nix ]; }'
        Set-Content -LiteralPath (Join-Path $dir 'a.nix') -Value '{ imports = [ ./configuration.nix ]; }'
        Set-Content -LiteralPath (Join-Path $dir 'b.nix') -Value '{ pkgs, ... }: { }'
        $modules = Get-FlakeModule -Path $dir -Configuration hostname
        $modules.Name | Should -Be @('configuration.nix', 'a.nix', 'gone.nix', 'b.nix')
        $modules[1].Problem | Should -Match 'import cycle'
        $modules[2].Problem | Should -Match 'gone\.nix does not exist'
        $modules[2].Kind | Should -Be 'Unresolved'
    }

    It 'reports a configuration name that does not exist' {
        { Get-FlakeModule -Path $hostname -Configuration nope -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigurationNotFound,FlakeTools.Commands.GetFlakeModuleCommand'
    }

    It 'shows a table grouped by configuration' {
        $table = Get-FlakeModule -Path $kahless | Out-String -Width 200
        $table | Should -Match 'Configuration: kahless'
        $table | Should -Match 'Context\s+Module\s+Line\s+ReceivedVia\s+Missing'
        $table | Should -Match 'HomeManagerInNixOS \(roni\)\s+home\.nix\s+1\s+elgato=ExtraSpecialArgs, pkgs-unstable=ExtraSpecialArgs'
    }

    It 'completes -Configuration from the flake at -Path' {
        $line = "Get-FlakeModule -Path '$kahless' -Configuration ka"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('kahless')
    }
}
