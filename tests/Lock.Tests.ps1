BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
}

Describe 'Get-FlakeLock' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'reads the lock of a flake directory' {
        $lock = Get-FlakeLock -Path $desktop
        $lock | Should -BeOfType ([FlakeTools.Core.Locks.FlakeLock])
        $lock.Version | Should -Be 7
        $lock.Nodes.Count | Should -Be 10
        $lock.Path | Should -Be (Join-Path $desktop 'flake.lock')
    }

    It 'reports a missing lock and a broken one' {
        { Get-FlakeLock -Path (New-TestFlake hostname) -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotFound,FlakeTools.Commands.GetFlakeLockCommand'
        $broken = New-TestFlake desktop -Destination (Join-Path $TestDrive 'broken-lock')
        Set-Content -LiteralPath (Join-Path $broken 'flake.lock') -Value '{"version": 3, "nodes": {}, "root": "root"}'
        Get-FlakeLock -Path $broken -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'LockParseError,FlakeTools.Commands.GetFlakeLockCommand'
        $err[0].Exception.Message | Should -Match 'version 3'
    }
}

Describe 'Get-FlakeLockEntry' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'lists the root inputs with type, revision, date and age' {
        $entries = Get-FlakeLockEntry -Path $desktop
        $entries.Name | Should -Be @('home-manager', 'hyprland', 'nixpkgs', 'wallpapers', 'waybar')
        $entries[1].Rev | Should -Match '^[0-9a-f]{40}$'
        $entries[1].LastModified | Should -BeOfType ([DateTimeOffset])
        $entries[1].Age | Should -BeOfType ([TimeSpan])
        $entries[1].Path | Should -Be $desktop
    }

    It 'finds duplicates with -Recurse' {
        (Get-FlakeLockEntry -Path $desktop -Recurse | Where-Object IsDuplicate).InputPath | Should -Be 'waybar/nixpkgs'
    }

    It 'shows one input with its own inputs' {
        (Get-FlakeLockEntry -Path $desktop hyprland -Recurse).InputPath | Should -Be @('hyprland', 'hyprland/hyprlang', 'hyprland/hyprlang/nixpkgs', 'hyprland/hyprlang/systems', 'hyprland/nixpkgs', 'hyprland/systems')
        { Get-FlakeLockEntry -Path $desktop elgato -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotFound,FlakeTools.Commands.GetFlakeLockEntryCommand'
    }

    It 'shows a table' {
        Get-FlakeLockEntry -Path $desktop -Recurse | Out-String -Width 200 | Should -Match 'waybar/nixpkgs\s+github\s+nixos-unstable\s+\w{7}\s+\d{4}-\d\d-\d\d\s+\d+d\s+nixpkgs_2 \(duplicate\)'
    }
}

Describe 'Compare-FlakeLock' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'compares two lock files' {
        $old = Join-Path $TestDrive 'old.lock'
        Copy-Item (Join-Path $desktop 'flake.lock') $old
        $json = Get-Content $old -Raw | ConvertFrom-Json -AsHashtable
        $json.nodes.hyprland.locked.rev = 'a' * 40
        $new = Join-Path $TestDrive 'new.lock'
        $json | ConvertTo-Json -Depth 20 | Set-Content $new
        $changes = Compare-FlakeLock -ReferencePath $old -DifferencePath $new
        $changes.InputPath | Should -Be 'hyprland'
        $changes.Change | Should -Be 'Updated'
        $changes.NewRev | Should -Be ('a' * 40)
    }

    It 'compares a lock with a git revision of itself' {
        $repo = New-TestFlake desktop -Destination (Join-Path $TestDrive 'repo')
        $null = Invoke-Git $repo init -q
        $null = Invoke-Git $repo add -A
        $null = Invoke-Git $repo commit -q -m init
        $lockPath = Join-Path $repo 'flake.lock'
        (Get-Content $lockPath -Raw) -replace '"rev": "[0-9a-f]{40}"', ('"rev": "' + ('b' * 40) + '"') | Set-Content $lockPath -NoNewline
        $changes = Compare-FlakeLock -Path $repo -Revision HEAD
        $changes.Count | Should -BeGreaterThan 3
        $changes | Where-Object InputPath -eq 'nixpkgs' | Select-Object -ExpandProperty NewRev | Should -Be ('b' * 40)
        { Compare-FlakeLock -Path $repo -Revision nosuchrev -ErrorAction Stop } | Should -Throw -ErrorId 'RevisionNotFound,FlakeTools.Commands.CompareFlakeLockCommand'
    }

    It 'never lets a revision reach git as an option' {
        $repo = New-TestFlake desktop -Destination (Join-Path $TestDrive 'inject')
        $null = Invoke-Git $repo init -q
        $null = Invoke-Git $repo add -A
        $null = Invoke-Git $repo commit -q -m init
        $target = Join-Path $TestDrive 'pwned'
        foreach ($revision in "--output=$target", '-h', '--all', "HEAD --output=$target") {
            Compare-FlakeLock -Path $repo -Revision $revision -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be 'RevisionNotFound,FlakeTools.Commands.CompareFlakeLockCommand'
            $err[0].TargetObject | Should -Be $revision
            $err[0].Exception.Message | Should -Not -Match 'flake\.lock'
        }
        Get-ChildItem -LiteralPath $TestDrive -Filter 'pwned*' | Should -BeNullOrEmpty
    }

    It 'names each git failure by its own id' {
        $plain = New-TestFlake desktop -Destination (Join-Path $TestDrive 'not-a-repo')
        { Compare-FlakeLock -Path $plain -Revision HEAD -ErrorAction Stop } | Should -Throw -ErrorId 'NotInGitRepository,FlakeTools.Commands.CompareFlakeLockCommand'
        $repo = New-TestFlake desktop -Destination (Join-Path $TestDrive 'lock-later')
        $null = Invoke-Git $repo init -q
        $null = Invoke-Git $repo add flake.nix
        $null = Invoke-Git $repo commit -q -m 'no lock yet'
        { Compare-FlakeLock -Path $repo -Revision HEAD -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotInRevision,FlakeTools.Commands.CompareFlakeLockCommand'
        { Compare-FlakeLock -ReferencePath (Join-Path $TestDrive 'nowhere.lock') -DifferencePath $repo -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotFound,FlakeTools.Commands.CompareFlakeLockCommand'
        $latin1 = Join-Path $TestDrive 'latin1.lock'
        [IO.File]::WriteAllBytes($latin1, [byte[]](0x7b, 0x22, 0xe9, 0x22, 0x7d))
        { Compare-FlakeLock -ReferencePath $latin1 -DifferencePath $plain -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotUtf8,FlakeTools.Commands.CompareFlakeLockCommand'
        { Get-FlakeLock -LiteralPath $latin1 -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotUtf8,FlakeTools.Commands.GetFlakeLockCommand'
    }

    It 'resolves its paths through the provider like the other cmdlets' {
        { Compare-FlakeLock -ReferencePath 'Env:\PATH' -DifferencePath 'Env:\HOME' -ErrorAction Stop } | Should -Throw -ErrorId 'NotFileSystemPath,FlakeTools.Commands.CompareFlakeLockCommand'
        { Compare-FlakeLock -Path 'Env:\PATH' -Revision HEAD -ErrorAction Stop } | Should -Throw -ErrorId 'NotFileSystemPath,FlakeTools.Commands.CompareFlakeLockCommand'
        $odd = New-TestFlake desktop -Destination (Join-Path $TestDrive 'cmp[1]')
        (Compare-FlakeLock -ReferencePath $odd -DifferencePath (Join-Path $odd 'flake.lock')) | Should -BeNullOrEmpty
        (Get-Command Compare-FlakeLock).Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
    }
}

Describe 'Test-FlakeLock' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'reports duplicates and stale inputs with what to do' {
        $findings = Test-FlakeLock -Path $desktop -MaxAge 30d
        ($findings | Where-Object Kind -eq Duplicate).InputPath | Should -Be 'waybar/nixpkgs'
        ($findings | Where-Object Kind -eq Duplicate).Suggestion | Should -Match 'waybar\.inputs\.nixpkgs\.follows = "nixpkgs";'
        ($findings | Where-Object Kind -eq Stale).Count | Should -Be 5
        Test-FlakeLock -Path $desktop -Quiet | Should -BeFalse
    }

    It 'accepts a TimeSpan for -MaxAge' {
        (Test-FlakeLock -Path $desktop -MaxAge ([timespan]::FromDays(100000)) | Where-Object Kind -eq Stale) | Should -BeNullOrEmpty
    }
}

Describe 'Optimize-FlakeInput' {
    BeforeEach { $desktop = New-TestFlake desktop -Destination (Join-Path $TestDrive "opt-$([guid]::NewGuid().ToString('N'))") }

    It 'leaves flake.nix unchanged with -WhatIf' {
        $before = Get-FileBytesHash (Join-Path $desktop 'flake.nix')
        Optimize-FlakeInput -Path $desktop -WhatIf
        Get-FileBytesHash (Join-Path $desktop 'flake.nix') | Should -Be $before
    }

    It 'adds the follows that remove the duplicate' {
        $added = Optimize-FlakeInput -Path $desktop -Confirm:$false -WarningAction SilentlyContinue
        $added.Declaration | Should -Be 'waybar.inputs.nixpkgs.follows = "nixpkgs";'
        Get-Content (Join-Path $desktop 'flake.nix') -Raw | Should -Match '(?m)^    waybar\.url = "github:Alexays/Waybar/0\.10\.4";\n    waybar\.inputs\.nixpkgs\.follows = "nixpkgs";$'
    }
}

Describe 'Update-FlakeInput' {
    BeforeAll { $hasNix = Initialize-Nix }

    It 'updates one input through nix and writes what changed' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        $dep = Join-Path (Split-Path $root) 'dep'
        Set-Content -LiteralPath (Join-Path $dep 'README') -Value 'changed'
        $null = Invoke-Git $dep add -A
        $null = Invoke-Git $dep commit -q -m second
        $newRev = (Invoke-Git $dep rev-parse HEAD).Trim()
        $changes = Get-FlakeInput -Path $root dep | Update-FlakeInput
        $changes.InputPath | Should -Be 'dep'
        $changes.Change | Should -Be 'Updated'
        $changes.NewRev | Should -Be $newRev
        (Get-FlakeInput -Path $root dep).Locked.Rev | Should -Be $newRev
        (Get-FlakeInput -Path $root dep2).Locked.Rev | Should -Not -Be $newRev
    }

    It 'shows the nix command with -WhatIf and changes nothing' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        $before = Get-FileBytesHash (Join-Path $root 'flake.lock')
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { Update-FlakeInput -Path $root dep, dep2 -WhatIf } finally { Stop-Transcript | Out-Null }
        Get-Content $transcript -Raw | Should -Match "nix (flake lock \S+ --update-input dep --update-input dep2|flake update dep dep2 --flake \S+)"
        Get-FileBytesHash (Join-Path $root 'flake.lock') | Should -Be $before
    }

    It 'sets a ref in flake.nix first with -Ref' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        $dep = Join-Path (Split-Path $root) 'dep'
        $null = Invoke-Git $dep checkout -q -b dev
        $null = Invoke-Git $dep commit -q --allow-empty -m 'on dev'
        $devRev = (Invoke-Git $dep rev-parse HEAD).Trim()
        $null = Invoke-Git $dep checkout -q master
        $changes = Update-FlakeInput -Path $root dep -Ref dev
        $changes.NewRev | Should -Be $devRev
        (Get-FlakeInput -Path $root dep).Url | Should -Match '\?ref=dev$'
    }

    It 'leaves flake.nix and flake.lock as they were when nix fails' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        $flake = Get-FileBytesHash (Join-Path $root 'flake.nix')
        $lock = Get-FileBytesHash (Join-Path $root 'flake.lock')
        Update-FlakeInput -Path $root dep -Ref no-such-branch -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'NixFailed,FlakeTools.Commands.UpdateFlakeInputCommand'
        $err[0].Exception.Message | Should -Match 'nix flake'
        Get-FileBytesHash (Join-Path $root 'flake.nix') | Should -Be $flake
        Get-FileBytesHash (Join-Path $root 'flake.lock') | Should -Be $lock
    }

    It 'updates a flake in a folder named <Name> (<Kind>)' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) -ForEach @(
        foreach ($name in 'a b', 'c[1]', 'd#e', 'f?g', 'h%20i') {
            @{ Name = $name; Kind = 'plain folder' }
            @{ Name = $name; Kind = 'git checkout' }
        }
    ) {
        $root = New-NixScenario
        $folder = Join-Path $TestDrive "special-$([guid]::NewGuid().ToString('N').Substring(0, 6))" $Name
        $null = New-Item -ItemType Directory -Path $folder -Force
        Copy-Item -LiteralPath (Join-Path $root 'flake.nix') -Destination $folder
        if ($Kind -eq 'git checkout') {
            $null = Invoke-Git $folder init -q
            $null = Invoke-Git $folder add -A
            $null = Invoke-Git $folder commit -q -m first
        }
        $changes = Update-FlakeInput -LiteralPath $folder -ErrorAction Stop -WarningAction SilentlyContinue
        ($changes | Where-Object Change -eq Added).InputPath | Should -Contain 'dep'
        Test-Path -LiteralPath (Join-Path $folder 'flake.lock') | Should -BeTrue
        $dep = Join-Path (Split-Path $root) 'dep'
        $null = Invoke-Git $dep commit -q --allow-empty -m second
        $changes = Update-FlakeInput -LiteralPath $folder dep -ErrorAction Stop -WarningAction SilentlyContinue
        $changes.InputPath | Should -Be 'dep'
        $changes.NewRev | Should -Be (Invoke-Git $dep rev-parse HEAD).Trim()
    }

    It 'shows Old and New of a path: input by its content hash, not as sha256-' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        $pkgs = Join-Path (Split-Path $root) 'pkgs'
        Add-Content -LiteralPath (Join-Path $pkgs 'flake.nix') -Value '# changed'
        $change = Update-FlakeInput -Path $root nixpkgs
        $change.OldRev | Should -Match '^sha256-'
        $row = ($change | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '^nixpkgs\s' }
        $row | Should -Not -Match 'sha256-'
        $row | Should -Match ('^nixpkgs\s+Updated\s+' + [regex]::Escape($change.OldRev.Substring(7, 7)) + '\s+' + [regex]::Escape($change.NewRev.Substring(7, 7)))
    }

    It 'says so when nix is not installed' {
        $desktop = New-TestFlake desktop -Destination (Join-Path $TestDrive 'no-nix')
        $saved = $env:PATH
        try {
            $env:PATH = ''
            { Update-FlakeInput -Path $desktop hyprland -ErrorAction Stop } | Should -Throw -ErrorId 'NixNotFound,FlakeTools.Commands.UpdateFlakeInputCommand'
        }
        finally { $env:PATH = $saved }
    }
}
