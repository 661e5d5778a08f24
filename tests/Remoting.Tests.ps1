# FlakeTools over real PowerShell remoting (issue 14): an OpenSSH server on 127.0.0.1 with the
# pwsh subsystem (tests/SshServer.psm1), `Invoke-Command -HostName localhost` against fixture
# flakes, and the objects, their tables and pipelines back into the local cmdlets checked.
# Skipped, saying why, when sshd cannot be started (Debian: apt-get install -y openssh-server).

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    Import-Module "$PSScriptRoot/Serialization.psm1" -Force
    Import-Module "$PSScriptRoot/SshServer.psm1" -Force
    $module = (Resolve-Path "$PSScriptRoot/../FlakeTools.psd1").Path
    $server = Start-TestSshServer -TimeoutSeconds 20
    $skip = if ($server -is [string]) { "no SSH server for the remoting tests: $server" }
    if (-not $skip) {
        $ssh = @{ HostName = 'localhost'; Port = $server.Port; UserName = $server.UserName; KeyFilePath = $server.KeyFilePath; Options = $server.Options; ConnectingTimeout = 60000 }
        $fixture = New-FleetFixture -Destination (Join-Path $TestDrive 'fleet')
        $produce = Get-FleetCommand
        $arguments = $module, $fixture.Desktop, $fixture.OldLock, $fixture.Optimize, $fixture.Registry, $fixture.Kahless
        $live = @(& $produce @arguments)
        Reset-FleetFixture $fixture
        # The form a user types, one connection for the whole set of commands.
        $received = @(Invoke-Command @ssh -ScriptBlock $produce -ArgumentList $arguments -ErrorAction Stop)
    }
    else {
        Write-Warning $skip
    }
}

AfterAll {
    if ($session) { Remove-PSSession $session -ErrorAction Ignore }
    Stop-TestSshServer $server
}

Describe 'FlakeTools objects through SSH remoting' {
    BeforeEach { if ($skip) { Set-ItResult -Skipped -Because $skip } }

    It 'brings back every object with what the types file sends' {
        $received.Count | Should -BeGreaterThan 20
        $received[0].PSComputerName | Should -Be 'localhost'
        $received[0].pstypenames[0] | Should -Be 'Deserialized.FlakeTools.Core.Project.FlakeInput'
        Get-SerializationDifference -Live $live -Received $received | Should -BeNullOrEmpty
    }

    It 'answers the issue''s fleet filter and shows the host in the tables' {
        $stale = $received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' } | Where-Object { $_.Locked.Age.TotalDays -gt 30 }
        $stale.Name | Should -Be @('nixpkgs', 'home-manager', 'hyprland', 'waybar', 'wallpapers')
        $table = $stale | Format-Table PSComputerName, Name, Ref, Locked | Out-String -Width 200
        $table | Should -Match 'localhost\s+hyprland\s+v0\.41\.2\s+471b2d2'
        # The default views, with PowerShell's PSComputerName column for remote objects.
        foreach ($group in $received | Group-Object { $_.pstypenames[0] }) {
            $text = $group.Group | Format-Table | Out-String -Width 250
            $text | Should -Match 'PSComputerName' -Because "$($group.Name) shows where it came from"
            $text | Should -Match 'localhost'
        }
        $received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' } | Format-Table | Out-String -Width 250 |
            Should -Match 'wallpapers\s+git\s+codeberg\.org/example/wallpa\S*\s+main\s+6416cbd\s+\d+d\s+localhost'
        $received | Where-Object { $_.pstypenames[0] -like '*LockEntry' } | Format-Table | Out-String -Width 250 |
            Should -Match 'waybar/nixpkgs\s+github\s+nixos-unstable\s+\w{7}\s+\d{4}-\d\d-\d\d\s+\d+d\s+nixpkgs_2 \(duplicate\)\s+localhost'
        ($received | Where-Object { $_.pstypenames[0] -like '*.Finding' } | Group-Object Id).Name | Sort-Object | Should -Be @('Duplicate', 'Stale')
        # (The ReceivedVia column is cut to make room for PSComputerName.)
        $received | Where-Object { $_.pstypenames[0] -like '*FlakeModule' } | Format-Table | Out-String -Width 250 |
            Should -Match 'HomeManagerInNixOS \(roni\)\s+home\.nix\s+1 elgato=ExtraSpecialArgs, pkgs-unstable=ExtraSpecialArgs, inputs=No\S*\s+inputs\s+localhost'
        $received | Where-Object { $_.pstypenames[0] -like '*FlakeRegistryEntry' } | Format-Table | Out-String -Width 250 |
            Should -Match 'User\s+nixpkgs/stable\s+github:NixOS/nixpkgs/nixos-24\.05\s+False\s+False\s+/\S+/fleet/registry/\S+\s+localhost'
    }

    It 'pipes the received objects into the local cmdlets' {
        $inputs = $received | Where-Object { $_.pstypenames[0] -like '*FlakeInput' }
        ($inputs | Select-Object -First 1 | Get-FlakeLockEntry).InputPath | Should -Be @('home-manager', 'hyprland', 'nixpkgs', 'wallpapers', 'waybar')
        ($received | Where-Object { $_.pstypenames[0] -like '*FlakeLock' } | Test-FlakeLock -MaxAge 30d | Group-Object Id).Name | Sort-Object | Should -Be @('Duplicate', 'Stale')
        if (Initialize-Nix) {
            $before = Get-FileBytesHash (Join-Path $fixture.Desktop 'flake.lock')
            $inputs | Where-Object Name -eq 'waybar' | Update-FlakeInput -WhatIf | Should -BeNullOrEmpty
            Get-FileBytesHash (Join-Path $fixture.Desktop 'flake.lock') | Should -Be $before
        }
    }

    It 'sends received inputs back to the remote cmdlets, which update them there' {
        if (-not (Initialize-Nix)) { Set-ItResult -Skipped -Because 'nix is not installed (apt-get install -y nix-bin)' }
        # Local flakes nix locks offline: a git input 'dep' gets a new commit on the "remote" host.
        $root = New-NixScenario -Destination (Join-Path $TestDrive 'scenario')
        $script:session = New-PSSession @ssh -ErrorAction Stop
        $nixConfig = $env:NIX_CONFIG
        $inputs = Invoke-Command -Session $session -ScriptBlock {
            param($Module, $Root, $NixConfig)
            $env:NIX_CONFIG = $NixConfig
            Import-Module $Module
            Get-FlakeInput -Path $Root
        } -ArgumentList $module, $root, $nixConfig
        $git = $inputs | Where-Object { $_.Type -eq 'git' -and $_.Name -eq 'dep' }
        $git.Reference.Url | Should -Be "file://$(Join-Path (Split-Path $root) 'dep')"
        $git | Format-Table | Out-String -Width 250 | Should -Match "dep\s+git\s+\S*dep\s+\w{7}"
        $dep = Join-Path (Split-Path $root) 'dep'
        Add-Content -LiteralPath (Join-Path $dep 'flake.nix') -Value '# a change'
        $null = Invoke-Git $dep commit -q -am change
        $changes = Invoke-Command -Session $session -ScriptBlock { $using:git | Update-FlakeInput }
        $changes.pstypenames[0] | Should -Be 'Deserialized.FlakeTools.Core.Locks.LockChange'
        $changes.InputPath | Should -Be 'dep'
        $changes.Change | Should -Be 'Updated'
        # Over SSH a date is a property bag (PowerShell's default types): UtcDateTime is a date.
        $changes.NewLastModified.UtcDateTime | Should -BeOfType ([DateTime])
        $changes.NewLastModified.UtcDateTime | Should -BeGreaterThan ([DateTime]::UtcNow.AddHours(-1))
        $changes.NewRev | Should -Be (Invoke-Git $dep rev-parse HEAD)
        $changes.PSComputerName | Should -Be 'localhost'
    }
}
