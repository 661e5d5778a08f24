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
        $err[0].FullyQualifiedErrorId | Should -Be 'LockVersionUnsupported,FlakeTools.Commands.GetFlakeLockCommand'
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
        ($findings | Where-Object Id -eq Duplicate).Target | Should -Be 'waybar/nixpkgs'
        ($findings | Where-Object Id -eq Duplicate).Fix | Should -Match 'waybar\.inputs\.nixpkgs\.follows = "nixpkgs";'
        ($findings | Where-Object Id -eq Stale).Count | Should -Be 5
        Test-FlakeLock -Path $desktop -Quiet | Should -BeFalse
    }

    It 'accepts a TimeSpan for -MaxAge' {
        (Test-FlakeLock -Path $desktop -MaxAge ([timespan]::FromDays(100000)) | Where-Object Id -eq Stale) | Should -BeNullOrEmpty
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

Describe 'A damaged or unreadable flake.lock (issues 11 and 15)' {
    BeforeDiscovery {
        $damage = @(
            @{ Case = 'a key written twice'; Pattern = '"version": 7'; Replacement = "`"version`": 7,`n  `"version`": 7"; Id = 'LockDuplicateKey'; Message = "the key 'version' is written twice"; Readable = $true }
            @{ Case = 'a follows holding a number'; Pattern = '(?s)("home-manager": \{\s*"inputs": \{\s*"nixpkgs": )\[\s*"nixpkgs"\s*\]'; Replacement = '$1[1]'; Id = 'LockParseError'; Message = 'has a follows path with the value 1 in it'; Readable = $false }
            @{ Case = 'a follows holding a list'; Pattern = '(?s)("home-manager": \{\s*"inputs": \{\s*"nixpkgs": )\[\s*"nixpkgs"\s*\]'; Replacement = '$1[[]]'; Id = 'LockParseError'; Message = 'has a follows path with an array in it'; Readable = $false }
            @{ Case = 'lastModified out of range'; Pattern = '1719588000'; Replacement = '300000000000'; Id = 'LockInvalidField'; Message = 'lastModified 300000000000'; Readable = $true }
            @{ Case = 'a follows cycle'; Pattern = '(?s)("home-manager": \{\s*"inputs": \{\s*"nixpkgs": )\[\s*"nixpkgs"\s*\]'; Replacement = '$1["home-manager", "nixpkgs"]'; Id = 'LockFollowsCycle'; Message = 'cycle'; Readable = $true }
        )
    }

    Context '<Case>' -ForEach $damage {
        BeforeAll {
            $flake = New-TestFlake desktop -Destination (Join-Path $TestDrive "damaged-$([guid]::NewGuid().ToString('N'))")
            $lockPath = Join-Path $flake 'flake.lock'
            $text = [regex]::Replace((Get-Content -LiteralPath $lockPath -Raw), $Pattern, $Replacement, 'None', [timespan]::FromSeconds(5))
            [IO.File]::WriteAllText($lockPath, $text)
        }

        It 'Get-FlakeInput lists every input, with a warning that says what is wrong' {
            $inputs = Get-FlakeInput -Path $flake -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue
            $inputs.Name | Should -Be @('nixpkgs', 'home-manager', 'hyprland', 'waybar', 'wallpapers')
            ($warnings -join "`n") | Should -Match ([regex]::Escape($Message))
            if ($Readable) { ($inputs | Where-Object Name -eq 'hyprland').Locked.Rev | Should -Match '^[0-9a-f]{40}$' }
            else { $inputs | Where-Object Locked | Should -BeNullOrEmpty }
        }

        It 'the lock cmdlets write an error record <Id> on the lock, and go on with what can be read' {
            foreach ($command in 'Get-FlakeLock', 'Get-FlakeLockEntry') {
                $output = & $command -Path $flake -ErrorAction SilentlyContinue -ErrorVariable err
                $err.Count | Should -BeGreaterThan 0 -Because $command
                $err[0].FullyQualifiedErrorId | Should -Be "$Id,FlakeTools.Commands.$($command -replace '-', '')Command"
                $err[0].TargetObject | Should -Be $lockPath
                $err[0].Exception.Message | Should -Match ([regex]::Escape($Message))
                if ($Readable) { $output | Should -Not -BeNullOrEmpty -Because $command } else { $output | Should -BeNullOrEmpty }
            }
            { Get-FlakeLockEntry -Path $flake -Recurse -ErrorAction SilentlyContinue } | Should -Not -Throw
            { Optimize-FlakeInput -Path $flake -WhatIf -ErrorAction SilentlyContinue -WarningAction SilentlyContinue } | Should -Not -Throw
        }

        It 'Test-FlakeLock reports it (a finding when the lock can be read, an error when not) and -Quiet says $false' {
            $findings = Test-FlakeLock -Path $flake -ErrorAction SilentlyContinue -ErrorVariable err
            if ($Readable) {
                $err | Should -BeNullOrEmpty
                ($findings | Where-Object { $_.Message -match [regex]::Escape($Message) }) | Should -Not -BeNullOrEmpty
            }
            else {
                $err[0].FullyQualifiedErrorId | Should -Be "$Id,FlakeTools.Commands.TestFlakeLockCommand"
            }
            Test-FlakeLock -Path $flake -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
        }
    }

    It 'reports a follows cycle as a finding on the input path' {
        $flake = New-TestFlake desktop -Destination (Join-Path $TestDrive 'cycle')
        $lockPath = Join-Path $flake 'flake.lock'
        $text = (Get-Content -LiteralPath $lockPath -Raw) -replace '(?s)("home-manager": \{\s*"inputs": \{\s*"nixpkgs": )\[\s*"nixpkgs"\s*\]', '$1["home-manager", "nixpkgs"]'
        [IO.File]::WriteAllText($lockPath, $text)
        $cycle = Test-FlakeLock -Path $flake | Where-Object Id -eq FollowsCycle
        $cycle.Target | Should -Be 'home-manager/nixpkgs'
        $cycle.Severity | Should -Be 'Error'
        (Get-FlakeLockEntry -Path $flake -Recurse -ErrorAction SilentlyContinue | Where-Object IsFollowsCycle).InputPath | Should -Be 'home-manager/nixpkgs'
    }

    It 'says a git-crypt encrypted lock is encrypted, and still lists the inputs' {
        $flake = New-TestFlake desktop -Destination (Join-Path $TestDrive 'crypt')
        $lockPath = Join-Path $flake 'flake.lock'
        [IO.File]::WriteAllBytes($lockPath, [byte[]](@(0) + [Text.Encoding]::ASCII.GetBytes('GITCRYPT') + @(0, 0x93, 0xff, 0x10, 0x80)))
        $inputs = Get-FlakeInput -Path $flake -WarningVariable warnings -WarningAction SilentlyContinue
        $inputs.Count | Should -Be 5
        $warnings[0] | Should -Match 'flake\.lock is encrypted with git-crypt: unlock the repository \(git-crypt unlock\)'
        foreach ($command in 'Get-FlakeLock', 'Get-FlakeLockEntry', 'Test-FlakeLock') {
            & $command -Path $flake -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "LockEncrypted,FlakeTools.Commands.$($command -replace '-', '')Command"
            $err[0].TargetObject | Should -Be $lockPath
            $err[0].Exception.Message | Should -Match 'encrypted with git-crypt: unlock the repository \(git-crypt unlock\)'
        }
        Optimize-FlakeInput -Path $flake -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LockEncrypted,FlakeTools.Commands.OptimizeFlakeInputCommand'
    }

    It 'says a lock that is not UTF-8 is not UTF-8' {
        $flake = New-TestFlake desktop -Destination (Join-Path $TestDrive 'latin1')
        $lockPath = Join-Path $flake 'flake.lock'
        [IO.File]::WriteAllBytes($lockPath, [byte[]]([Text.Encoding]::ASCII.GetBytes('{"version": 7, "x": "') + @(0xe9) + [Text.Encoding]::ASCII.GetBytes('"}')))
        Get-FlakeInput -Path $flake -WarningVariable warnings -WarningAction SilentlyContinue | Should -HaveCount 5
        $warnings[0] | Should -Match 'is not UTF-8 text'
        Get-FlakeLock -Path $flake -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'LockNotUtf8,FlakeTools.Commands.GetFlakeLockCommand'
    }

    It 'does not read a broken lock given by its path as flake.nix' {
        $flake = New-TestFlake desktop -Destination (Join-Path $TestDrive 'by-lock-path')
        $lockPath = Join-Path $flake 'flake.lock'
        Set-Content -LiteralPath $lockPath -Value '{ broken'
        $inputs = Get-FlakeInput -Path $lockPath -ErrorAction SilentlyContinue -ErrorVariable err -WarningVariable warnings -WarningAction SilentlyContinue
        $inputs | Should -HaveCount 5
        $err | Should -BeNullOrEmpty
        $warnings[0] | Should -Match 'flake\.lock is not valid JSON'
        Optimize-FlakeInput -Path $lockPath -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LockParseError,FlakeTools.Commands.OptimizeFlakeInputCommand'
        $err[0].Exception.Message | Should -Not -Match 'Fix flake\.nix'
    }
}

Describe 'Get-FlakeLockEntry -Name with input paths (issue 15 item 8)' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'accepts the input paths it prints' {
        $entry = Get-FlakeLockEntry -Path $desktop hyprland/nixpkgs
        $entry.InputPath | Should -Be 'hyprland/nixpkgs'
        $entry.Follows | Should -Be 'nixpkgs'
        (Get-FlakeLockEntry -Path $desktop hyprland/hyprlang/systems).NodeKey | Should -Be 'systems'
        (Get-FlakeLockEntry -Path $desktop hyprland/hyprlang -Recurse).InputPath | Should -Be @('hyprland/hyprlang', 'hyprland/hyprlang/nixpkgs', 'hyprland/hyprlang/systems')
    }

    It 'matches input paths with wildcards' {
        (Get-FlakeLockEntry -Path $desktop 'hyprland/*').InputPath | Should -Be @('hyprland/hyprlang', 'hyprland/hyprlang/nixpkgs', 'hyprland/hyprlang/systems', 'hyprland/nixpkgs', 'hyprland/systems')
        (Get-FlakeLockEntry -Path $desktop '*/nixpkgs').InputPath | Should -Be @('home-manager/nixpkgs', 'hyprland/hyprlang/nixpkgs', 'hyprland/nixpkgs', 'waybar/nixpkgs')
        Get-FlakeLockEntry -Path $desktop 'nosuch/*' | Should -BeNullOrEmpty
    }

    It 'says which input path it does not have' {
        { Get-FlakeLockEntry -Path $desktop hyprland/nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotFound,FlakeTools.Commands.GetFlakeLockEntryCommand'
    }
}

Describe 'Test-FlakeLock answers (issue 15 items 9 and 11)' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'returns $false with -Quiet when the lock is missing' {
        $noLock = New-TestFlake desktop -Destination (Join-Path $TestDrive 'no-lock')
        Remove-Item -LiteralPath (Join-Path $noLock 'flake.lock')
        $answer = Test-FlakeLock -Path $noLock -Quiet -ErrorAction SilentlyContinue -ErrorVariable err
        $answer | Should -BeExactly $false
        $err[0].FullyQualifiedErrorId | Should -Be 'LockNotFound,FlakeTools.Commands.TestFlakeLockCommand'
    }

    It 'refuses a negative -MaxAge' {
        { Test-FlakeLock -Path $desktop -MaxAge -1.00:00:00 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,FlakeTools.Commands.TestFlakeLockCommand'
        { Test-FlakeLock -Path $desktop -MaxAge ([timespan]::FromDays(-3)) } | Should -Throw '*negative*'
        { Test-FlakeLock -Path $desktop -MaxAge 0d } | Should -Not -Throw
    }
}

Describe 'Public objects are read-only views (issue 13)' {
    BeforeAll { $desktop = New-TestFlake desktop }

    It 'Format-List * shows no internal type name, on inputs and on lock entries' {
        $text = (Get-FlakeInput -Path $desktop hyprland | Format-List * | Out-String) + (Get-FlakeLockEntry -Path $desktop hyprland | Format-List * | Out-String)
        $text | Should -Not -Match 'FlakeTools\.Core\.'
        $text | Should -Match 'InputPath\s+: hyprland'
    }

    It 'a lock node cannot be changed through the pipeline' {
        $node = (Get-FlakeLockEntry -Path $desktop hyprland).Node
        $node.PSObject.Properties.Name | Should -Not -Contain 'Json'
        { $node.Locked['rev'] = 'x' } | Should -Throw
        $node.Locked['rev'] | Should -Match '^[0-9a-f]{40}$'
    }
}
