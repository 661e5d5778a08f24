# FlakeTools objects through PowerShell's serialiser (issue 14): the types file and views cover
# every output type, and objects that come back from a job keep what users filter on, show the
# same tables and pipe back into the local cmdlets. tests/Remoting.Tests.ps1 does the same over SSH.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/Serialization.psm1" -Force
    $outputTypes = @(Get-FlakeToolsOutputType | ForEach-Object FullName)
    $sentTypes = @(Get-FlakeToolsSentType | ForEach-Object FullName)
}

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    Import-Module "$PSScriptRoot/Serialization.psm1" -Force
    $module = (Resolve-Path "$PSScriptRoot/../FlakeTools.psd1").Path
    $outputTypes = @(Get-FlakeToolsOutputType | ForEach-Object FullName)
    $sentTypes = @(Get-FlakeToolsSentType | ForEach-Object FullName)
}

Describe 'Serialisation entries for every output type' {
    It 'finds the output types of the exported cmdlets' {
        # The walk below is only as good as this list: it must see the types the cmdlets write.
        $outputTypes | Should -Contain 'FlakeTools.Core.Project.FlakeInput'
        $outputTypes | Should -Contain 'FlakeTools.Core.Locks.LockChange'
        $sentTypes | Should -Contain 'FlakeTools.Core.Locks.LockedInfo'
        $sentTypes | Should -Contain 'FlakeTools.Core.Locks.LockChangeKind'
    }

    It 'output type <_> has a serialisation entry and table views for it and its Deserialized. name' -ForEach $outputTypes {
        Get-SerializationSetupProblem ([type]$_) -IsOutputType | Should -BeNullOrEmpty
    }

    It 'carried type <_> has a serialisation entry' -ForEach ($sentTypes | Where-Object { $_ -notin $outputTypes }) {
        Get-SerializationSetupProblem ([type]$_) | Should -BeNullOrEmpty
    }

    It 'the check fails for a type without an entry, an enum sent as a number and a view that is missing' {
        # The checks themselves, on types FlakeTools does not set up.
        Get-SerializationSetupProblem ([System.IO.FileInfo]) | Should -Match 'no entry in FlakeTools.types.ps1xml'
        try {
            Update-TypeData -TypeName System.DayOfWeek -SerializationDepth 1 -Force
            Get-SerializationSetupProblem ([System.DayOfWeek]) | Should -Match 'arrives as a number'
            Update-TypeData -TypeName System.Version -SerializationDepth 2 -Force
            Get-SerializationSetupProblem ([System.Version]) -IsOutputType | Should -Match 'Deserialized.System.Version has no table view'
        }
        finally {
            Remove-TypeData -TypeName System.DayOfWeek -ErrorAction Ignore
            Remove-TypeData -TypeName System.Version -ErrorAction Ignore
        }
    }
}

Describe 'FlakeTools objects through a job' {
    BeforeAll {
        $fixture = New-FleetFixture -Destination (Join-Path $TestDrive 'fleet')
        $produce = Get-FleetCommand
        $arguments = $module, $fixture.Desktop, $fixture.OldLock, $fixture.Optimize, $fixture.Registry, $fixture.Kahless
        $environment = @{ XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; NIX_CONFIG = $env:NIX_CONFIG; NIX_CONFIG_HOME = $env:NIX_CONFIG_HOME }
        $live = @(& $produce @arguments)
        Reset-FleetFixture $fixture
        $received = @(Start-Job -ScriptBlock $produce -ArgumentList $arguments | Receive-Job -Wait -AutoRemoveJob)
    }

    It 'brings back one object of each output type' {
        $types = $live | ForEach-Object { $_.GetType().FullName } | Sort-Object -Unique
        foreach ($type in $outputTypes) { $types | Should -Contain $type }
        $received | ForEach-Object { $_.pstypenames[0] } | Sort-Object -Unique | Should -Be ($types | ForEach-Object { "Deserialized.$_" })
    }

    It 'keeps every property the types file sends, nested objects, dates and enums included' {
        Get-SerializationDifference -Live $live -Received $received | Should -BeNullOrEmpty
    }

    It 'answers the filters of a fleet' {
        $inputs = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Project.FlakeInput' }
        ($inputs | Where-Object { $_.Locked.Age.TotalDays -gt 30 }).Name | Should -Be @('nixpkgs', 'home-manager', 'hyprland', 'waybar', 'wallpapers')
        ($inputs | Where-Object { $_.Locked.LastModified -lt [DateTimeOffset]::new(2024, 6, 26, 0, 0, 0, [TimeSpan]::Zero) }).Name | Should -Be @('hyprland', 'waybar', 'wallpapers')
        ($inputs | Where-Object Name -eq 'wallpapers').Reference.Url | Should -Be 'https://codeberg.org/example/wallpapers'
        ($inputs | Where-Object Name -eq 'hyprland').Locked.Rev | Should -Match '^471b2d2[0-9a-f]{33}$'
        ($received | Where-Object { $_.pstypenames[0] -like '*LockChange' -and $_.Change -eq 'Updated' }).InputPath | Should -Be 'hyprland'
        $findings = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Project.Finding' }
        ($findings | Group-Object Id | ForEach-Object Name | Sort-Object) | Should -Be @('Duplicate', 'Stale')
        ($findings | Where-Object { $_.Id -eq 'Duplicate' -and $_.Severity -eq 'Warning' }).Target | Should -Be 'waybar/nixpkgs'
        ($received | Where-Object { $_.pstypenames[0] -like '*LockEntry' -and $_.IsDuplicate }).InputPath | Should -Be 'waybar/nixpkgs'
        ($received | Where-Object { $_.pstypenames[0] -like '*FlakeLock' }).Duplicates | Should -Be 'nixpkgs_2'
    }

    It 'answers the filters on configurations and modules' {
        $configurations = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Configurations.FlakeConfiguration' }
        ($configurations | Where-Object Kind -eq 'NixOS').Name | Should -Be @('desktop', 'kahless')
        ($configurations | Where-Object SpecialArgs -contains 'inputs').Name | Should -Be 'desktop'
        ($configurations | Where-Object { $_.Modules.Count -gt 3 }).Name | Should -Be 'kahless'
        $kahless = $configurations | Where-Object Name -eq 'kahless'
        ($kahless.Modules | Where-Object Kind -eq 'File').Path | Should -Be @((Join-Path $fixture.Kahless 'configuration.nix'), (Join-Path $fixture.Kahless 'home.nix'))
        $kahless.Modules[-1].MissingArguments | Should -Be 'inputs'
        $kahless.HomeManager.Users | Should -Be 'roni'
        $kahless.HomeManager.ExtraSpecialArgs | Should -Be @('elgato', 'pkgs-unstable')
        $kahless.Pkgs.Kind | Should -Be 'BuilderDefault'
        $kahless.Pkgs.Location | Should -Be "$(Join-Path $fixture.Kahless 'flake.nix'):11"

        $modules = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Configurations.FlakeModule' }
        $missing = $modules | Where-Object MissingArguments
        $missing.Name | Should -Be 'home.nix'
        $missing.MissingArguments | Should -Be 'inputs'
        $missing.Context | Should -Be 'HomeManagerInNixOS'
        $missing.User | Should -Be 'roni'
        # ReceivedVia keeps its order (the module's arguments) and its values as names.
        @($missing.ReceivedVia.Keys) | Should -Be @('pkgs', 'elgato', 'pkgs-unstable', 'inputs')
        $missing.ReceivedVia['inputs'] | Should -Be 'None'
        $missing.ReceivedVia['elgato'] | Should -Be 'ExtraSpecialArgs'
        ($modules | Where-Object { $_.ReceivedVia['inputs'] -eq 'SpecialArgs' }).Path | Should -Be (Join-Path $fixture.Desktop 'configuration.nix')
        ($modules | Where-Object Kind -eq 'Input' | Group-Object Configuration).Name | Should -Be @('desktop', 'kahless')
    }

    It 'answers the filters on registry entries and resolutions' {
        $entries = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Registries.FlakeRegistryEntry' }
        ($entries | Where-Object Scope -eq 'User').Name | Should -Be @('nixpkgs', 'dotfiles')
        ($entries | Where-Object Name -eq 'nixpkgs' | ForEach-Object { "$($_.Scope) $($_.To.Ref)" }) | Should -Be @('Configuration nixos-22.05', 'User nixos-24.05', 'System nixos-unstable', 'Global nixpkgs-unstable')
        # A declaration in kahless's configuration: its .nix file and line, and its origin as text.
        $declared = $entries | Where-Object Scope -eq 'Configuration' | Where-Object Name -eq 'elgato'
        $declared.Source | Should -Be (Join-Path $fixture.Kahless 'flake.nix')
        $declared.Line | Should -Be 36
        $declared.Origin | Should -Be "$(Join-Path $fixture.Kahless 'flake.nix'):36"
        $dotfiles = $entries | Where-Object Name -eq 'dotfiles'
        $dotfiles.Url | Should -Be "path:$(Join-Path (Split-Path $fixture.Registry) 'dotfiles')?dir=nix"
        $dotfiles.To.Dir | Should -Be 'nix'
        $dotfiles.Exact | Should -BeTrue
        $dotfiles.Source | Should -Be (Join-Path $fixture.Registry 'config/nix/registry.json')
        $dotfiles.Index | Should -Be 1
        # From and To are references (Ref, Dir, Url ... and their text); FromInput and ToInput travel as their text.
        ($entries | Where-Object { "$($_.From)" -eq 'flake:nixpkgs/stable' }).Scope | Should -Be 'User'
        ($entries | Where-Object FromInput -eq 'flake:nixpkgs/stable').ToInput | Should -Be 'github:NixOS/nixpkgs/nixos-24.05'
        ($entries | Where-Object { -not $_.IsReadOnly } | Group-Object Source).Count | Should -Be 4  # the three registry files and kahless's flake.nix
        ($entries | Where-Object Source -like '*global.json').Name | Should -Be @('nixpkgs', 'home-manager')

        $resolutions = $received | Where-Object { $_.pstypenames[0] -eq 'Deserialized.FlakeTools.Core.Registries.RegistryResolution' }
        $resolutions.ResolvedUrl | Should -Be @('github:NixOS/nixpkgs/nixos-24.05', $dotfiles.Url)
        $resolutions[0].Entry.Scope | Should -Be 'User'
        $resolutions[0].Steps.Count | Should -Be 1
        $resolutions[1].Resolved.Dir | Should -Be 'nix'
    }

    It 'leaves the environment of the session that ran the registry commands as it was' {
        # The fleet command points Nix's settings at the fixture's registries and puts them back.
        $env:XDG_CONFIG_HOME | Should -Be $environment.XDG_CONFIG_HOME
        $env:NIX_CONFIG | Should -Be $environment.NIX_CONFIG
        Test-Path Env:NIX_CONFIG_HOME | Should -Be ($null -ne $environment.NIX_CONFIG_HOME)
    }

    It 'shows the same tables as the live objects' {
        foreach ($group in $live | Group-Object { $_.GetType().FullName }) {
            $back = $received | Where-Object { $_.pstypenames[0] -eq "Deserialized.$($group.Name)" }
            $liveTable = $group.Group | Format-Table | Out-String -Width 250
            $liveTable | Should -Not -BeNullOrEmpty
            # A job's objects carry PSComputerName but do not show it (PSShowComputerName is false).
            $back | Format-Table | Out-String -Width 250 | Should -BeExactly $liveTable -Because "the view for Deserialized.$($group.Name) should match"
        }
        ($received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' } | Format-Table | Out-String -Width 250) | Should -Match 'wallpapers\s+git\s+codeberg\.org/example/wallpa\S*\s+main\s+6416cbd\s+\d+d'
    }

    It 'pipes back into the local read-only cmdlets' {
        $inputs = $received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' }
        # Path binds by property name: the flake the object came from.
        ($inputs | Select-Object -First 1 | Get-FlakeLockEntry).InputPath | Should -Be @('home-manager', 'hyprland', 'nixpkgs', 'wallpapers', 'waybar')
        $lock = $received | Where-Object { $_.pstypenames[0] -like '*FlakeLock' }
        ($lock | Test-FlakeLock -MaxAge 30d | Group-Object Id).Name | Sort-Object | Should -Be @('Duplicate', 'Stale')
        ($lock | Get-FlakeLock).Nodes.Count | Should -Be 10
        # Get-FlakeModule takes a received configuration (Configuration by name, Path the flake).
        $kahless = $received | Where-Object { $_.pstypenames[0] -like '*FlakeConfiguration' -and $_.Name -eq 'kahless' }
        ($kahless | Get-FlakeModule | Where-Object MissingArguments).Name | Should -Be 'home.nix'
    }

    It 'pipes a received input into Update-FlakeInput -WhatIf, which names that input and writes nothing' {
        if (-not (Initialize-Nix)) { Set-ItResult -Skipped -Because 'nix is not installed (apt-get install -y nix-bin)' }
        $before = Get-FileBytesHash (Join-Path $fixture.Desktop 'flake.lock')
        $transcript = Join-Path $TestDrive 'whatif.txt'
        $null = Start-Transcript -LiteralPath $transcript
        try {
            $out = $received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' -and $_.Name -eq 'hyprland' } | Update-FlakeInput -WhatIf
        }
        finally { $null = Stop-Transcript }
        $out | Should -BeNullOrEmpty
        $whatIf = Get-Content $transcript -Raw
        # nix flake update <input> (Nix 2.19+) or nix flake lock --update-input <input>, in that flake.
        $whatIf | Should -Match "What if: .*\bupdate(-input)? hyprland\b.*$([regex]::Escape($fixture.Desktop))"
        $whatIf | Should -Not -Match '\bupdate(-input)? nixpkgs\b'
        Get-FileBytesHash (Join-Path $fixture.Desktop 'flake.lock') | Should -Be $before
    }
}
