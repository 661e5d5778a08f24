BeforeDiscovery {
    $HasNix = [bool](Get-Command nix -ErrorAction Ignore)
}

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force

    $script:HasNix = [bool](Get-Command nix -ErrorAction Ignore)
    $script:SavedEnvironment = @{}
    foreach ($name in 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_DIRS', 'NIX_CONF_DIR', 'NIX_CONFIG', 'NIX_USER_CONF_FILES', 'NIX_CONFIG_HOME', 'NIX_CACHE_HOME') {
        $script:SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }

    # A fresh sandbox per test: user, system and global registries in TestDrive, nix offline.
    function script:New-RegistrySandbox {
        param([string] $Global = '{"version":2,"flakes":[]}')
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Force -Path "$root/config", "$root/cache", "$root/etc-nix", "$root/xdg"
        $env:XDG_CONFIG_HOME = "$root/config"
        $env:XDG_CACHE_HOME = "$root/cache"
        $env:XDG_CONFIG_DIRS = "$root/xdg"
        $env:NIX_CONF_DIR = "$root/etc-nix"
        Remove-Item Env:NIX_USER_CONF_FILES, Env:NIX_CONFIG_HOME, Env:NIX_CACHE_HOME -ErrorAction Ignore
        Set-Content -LiteralPath "$root/global.json" -Value $Global -NoNewline
        $env:NIX_CONFIG = "experimental-features = nix-command flakes`nbuild-users-group =`nsandbox = false`nflake-registry = $root/global.json"
        [pscustomobject]@{
            Root   = $root
            User   = "$root/config/nix/registry.json"
            System = "$root/etc-nix/registry.json"
            Global = "$root/global.json"
        }
    }

    # nix registry list and Get-FlakeRegistryEntry, line by line (percent-encoding differs between Nix versions).
    function script:Get-NixListLines { @(nix registry list 2>$null | ForEach-Object { [uri]::UnescapeDataString($_) }) }
    function script:Get-OurListLines { @(Get-FlakeRegistryEntry 3>$null | ForEach-Object { [uri]::UnescapeDataString($_.ToNixListLine()) }) }

    # What -WhatIf writes to the host, through a transcript.
    function script:Get-WhatIfText {
        param([scriptblock] $Script)
        $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { & $Script } finally { Stop-Transcript | Out-Null }
        Get-Content -LiteralPath $transcript -Raw
    }

    function script:New-LocalFlake {
        param([string] $Path)
        $null = New-Item -ItemType Directory -Force -Path $Path
        Set-Content -LiteralPath "$Path/flake.nix" -Value '{ outputs = { self }: { }; }'
        $Path
    }
}

AfterAll {
    # Unset what was unset: [Environment]::SetEnvironmentVariable(name, $null) from PowerShell sets
    # it to '' (NIX_CONFIG_HOME='' and the like make nix abort in the test files that run next).
    foreach ($pair in $script:SavedEnvironment.GetEnumerator()) {
        if ($null -eq $pair.Value) { Remove-Item "Env:$($pair.Key)" -ErrorAction Ignore }
        else { [Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) }
    }
}

Describe 'Get-FlakeRegistryEntry' {
    It 'lists user, system and global entries in the order nix registry list shows them' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox -Global '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixpkgs-unstable"}},{"from":{"type":"indirect","id":"templates"},"to":{"type":"github","owner":"NixOS","repo":"templates"}}]}'
        Set-Content -LiteralPath $sandbox.System -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"path","path":"/nix/store/00000000000000000000000000000000-source"},"exact":true}]}'
        $null = New-Item -ItemType Directory -Force (Split-Path $sandbox.User)
        Set-Content -LiteralPath $sandbox.User -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"mine"},"to":{"type":"path","path":"/src/mine","dir":"sub"}}]}'

        $entries = Get-FlakeRegistryEntry
        $entries | Should -BeOfType ([FlakeTools.Core.Registries.FlakeRegistryEntry])
        $entries.Scope | Should -Be @('User', 'System', 'Global', 'Global')
        $entries.Name | Should -Be @('mine', 'nixpkgs', 'nixpkgs', 'templates')
        $entries[0].Source | Should -Be $sandbox.User
        $entries[0].Index | Should -Be 0
        $entries[0].To.Dir | Should -Be 'sub'
        $entries[1].Exact | Should -BeTrue
        $entries[3].Index | Should -Be 1
        Get-OurListLines | Should -Be (Get-NixListLines)
    }

    It 'filters by name (wildcards) and scope, and reads one file with -RegistryPath' {
        $sandbox = New-RegistrySandbox -Global '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs"}},{"from":{"type":"indirect","id":"nix"},"to":{"type":"github","owner":"NixOS","repo":"nix"}}]}'
        (Get-FlakeRegistryEntry nixp* -Scope Global).Name | Should -Be 'nixpkgs'
        (Get-FlakeRegistryEntry -Scope User) | Should -BeNullOrEmpty
        $entry = Get-FlakeRegistryEntry -RegistryPath $sandbox.Global nix
        $entry.Name | Should -Be 'nix'
        $entry.Scope | Should -Be 'Global'
    }

    It 'says which entry is missing, and where it looked' {
        $sandbox = New-RegistrySandbox -Global '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs"}}]}'
        Get-FlakeRegistryEntry elgato -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryEntryNotFound,FlakeTools.Commands.GetFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'the entries are: nixpkgs'
        $err[0].TargetObject | Should -Be 'elgato'
        { Get-FlakeRegistryEntry -RegistryPath (Join-Path $sandbox.Root 'none.json') -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryNotFound,FlakeTools.Commands.GetFlakeRegistryEntryCommand'
    }

    It 'reports a broken entry by index and still shows the others' {
        $sandbox = New-RegistrySandbox
        Set-Content -LiteralPath $sandbox.System -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"good"},"to":{"type":"path","path":"/good"}},{"from":{"type":"indirect","id":"bad"},"to":{"type":"github","owner":"o"}},{"from":{"type":"indirect","id":"later"},"to":{"type":"path","path":"/later"}}]}'
        $entries = Get-FlakeRegistryEntry -Scope System -ErrorAction SilentlyContinue -ErrorVariable err
        $entries.Name | Should -Be @('good', 'later')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryEntryInvalid,FlakeTools.Commands.GetFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'entry 1 cannot be read: .*repo.*ignores the 1 entry after it'
        $err[0].TargetObject | Should -Be $sandbox.System
    }

    It 'warns when the global registry is a URL with no downloaded copy, and reads the copy when there is one' {
        $sandbox = New-RegistrySandbox
        $env:NIX_CONFIG = "flake-registry = https://example.invalid/flake-registry.json"
        Get-FlakeRegistryEntry -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings[0].Message | Should -Match 'not available offline'
        $null = New-Item -ItemType Directory -Force "$($sandbox.Root)/cache/nix"
        Set-Content -LiteralPath "$($sandbox.Root)/cache/nix/flake-registry.json" -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs"}}]}'
        $entry = Get-FlakeRegistryEntry -Scope Global
        $entry.Name | Should -Be 'nixpkgs'
        $entry.IsReadOnly | Should -BeTrue
    }

    It 'says so when -Path is not a flake' {
        $null = New-RegistrySandbox
        { Get-FlakeRegistryEntry -Path (Join-Path $TestDrive 'no-such-flake') -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigurationNotFound,FlakeTools.Commands.GetFlakeRegistryEntryCommand'
    }

    It 'completes names from the registries' {
        $null = New-RegistrySandbox -Global '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs"}},{"from":{"type":"indirect","id":"home-manager"},"to":{"type":"github","owner":"nix-community","repo":"home-manager"}}]}'
        $line = 'Get-FlakeRegistryEntry ni'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('nixpkgs')
        $line = 'Remove-FlakeRegistryEntry h'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('home-manager')
    }
}

Describe 'Add-FlakeRegistryEntry' {
    It 'writes the user registry byte for byte as nix registry add does, and nix lists the same entries' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        $byNix = Join-Path $sandbox.Root 'by-nix.json'
        Add-FlakeRegistryEntry nixpkgs-unstable github:NixOS/nixpkgs/nixos-unstable
        nix registry add --registry $byNix nixpkgs-unstable github:NixOS/nixpkgs/nixos-unstable
        Add-FlakeRegistryEntry lib 'github:NixOS/nixpkgs?dir=lib'
        nix registry add --registry $byNix lib 'github:NixOS/nixpkgs?dir=lib'
        Get-Content -Raw $sandbox.User | Should -BeExactly (Get-Content -Raw $byNix)
        Get-OurListLines | Should -Be (Get-NixListLines)
        (Get-FlakeRegistryEntry lib).To.ToUrl() | Should -Be 'github:NixOS/nixpkgs?dir=lib'
    }

    It 'replaces an entry of the same name at the end, as nix does, and writes nothing when it is already there' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        Add-FlakeRegistryEntry a path:/a
        Add-FlakeRegistryEntry b path:/b
        $before = Get-FileBytesHash $sandbox.User
        Add-FlakeRegistryEntry b path:/b -Verbose 4>&1 | Out-String | Should -Match 'nothing to change'
        Get-FileBytesHash $sandbox.User | Should -Be $before
        Add-FlakeRegistryEntry a path:/a2
        (Get-FlakeRegistryEntry -Scope User).Name | Should -Be @('b', 'a')
        Get-OurListLines | Should -Be (Get-NixListLines)
    }

    It 'writes the system registry with -Scope System and an exact entry with -Exact' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        $entry = Add-FlakeRegistryEntry nixpkgs github:NixOS/nixpkgs/nixos-24.05 -Scope System -Exact -PassThru
        $entry.Scope | Should -Be 'System'
        $entry.Exact | Should -BeTrue
        $entry.Source | Should -Be $sandbox.System
        Test-Path $sandbox.User | Should -BeFalse
        Get-OurListLines | Should -Be (Get-NixListLines)
    }

    It 'shows the JSON entry with -WhatIf and writes nothing' {
        $sandbox = New-RegistrySandbox
        $output = Get-WhatIfText { Add-FlakeRegistryEntry nixpkgs github:NixOS/nixpkgs -WhatIf }
        $output | Should -Match '\+     "id": "nixpkgs"'
        $output | Should -Match '\+     "owner": "NixOS"'
        Test-Path $sandbox.User | Should -BeFalse
        Add-FlakeRegistryEntry nixpkgs github:NixOS/nixpkgs
        $before = Get-FileBytesHash $sandbox.User
        $output = Get-WhatIfText { Add-FlakeRegistryEntry nixpkgs github:NixOS/nixpkgs/nixos-24.05 -WhatIf }
        $output | Should -Match '-     "repo": "nixpkgs"'
        $output | Should -Match '\+     "ref": "nixos-24.05"'
        Get-FileBytesHash $sandbox.User | Should -Be $before
    }

    It 'pins through nix registry pin: the locked form of the target' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        $flake = New-LocalFlake (Join-Path $sandbox.Root 'local')
        Add-FlakeRegistryEntry local "path:$flake"
        $pinned = Add-FlakeRegistryEntry local -Pin -PassThru
        $pinned.ToInput.GetString('narHash') | Should -Match '^sha256-'
        $pinned.ToInput.GetString('path') | Should -Be $flake
        $other = Add-FlakeRegistryEntry other local -Pin -PassThru
        $other.ToInput | Should -Be $pinned.ToInput
        Get-OurListLines | Should -Be (Get-NixListLines)
        $metadata = nix flake metadata --json local | ConvertFrom-Json
        $metadata.resolved.narHash | Should -Be $pinned.ToInput.GetString('narHash')
    }

    It 'refuses, with what to do, when the name has no target, the reference is invalid or -Path is no flake' {
        $null = New-RegistrySandbox
        { Add-FlakeRegistryEntry nixpkgs -ErrorAction Stop } | Should -Throw -ErrorId 'ReferenceRequired,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        { Add-FlakeRegistryEntry nixpkgs 'github:NixOS' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidReference,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        { Add-FlakeRegistryEntry elgato -Input elgato -Path (Join-Path $TestDrive 'no-such-flake') -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigurationNotFound,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        { Add-FlakeRegistryEntry x path:/x -Scope Configuration -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigurationInputRequired,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
    }

    It 'refuses a registry that is a link into /nix/store, naming the nix.registry option to edit' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        $generated = Join-Path $sandbox.Root 'generated.json'
        Set-Content -LiteralPath $generated -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"path","path":"/nix/store/00000000000000000000000000000000-source"},"exact":true}]}'
        $storePath = nix-store --add $generated
        $null = New-Item -ItemType SymbolicLink -Path $sandbox.System -Target $storePath
        Add-FlakeRegistryEntry elgato github:o/elgato -Scope System -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryReadOnly,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'generated by the NixOS configuration \(option nix\.registry\.elgato\)'
        $err[0].TargetObject | Should -Be $sandbox.System

        Get-FlakeRegistryEntry -Scope System | Remove-FlakeRegistryEntry -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryReadOnly,FlakeTools.Commands.RemoveFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'nix\.registry\.nixpkgs'
        $err[0].Exception.Message | Should -Match 'nixos-rebuild switch'
        (Get-FlakeRegistryEntry -Scope System).IsReadOnly | Should -BeTrue
    }
}

Describe 'Remove-FlakeRegistryEntry' {
    It 'removes by name from the user registry, and nix lists what is left' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        'a', 'b', 'c' | ForEach-Object { Add-FlakeRegistryEntry $_ "path:/$_" }
        Add-FlakeRegistryEntry b/branch path:/bb
        Remove-FlakeRegistryEntry b
        (Get-FlakeRegistryEntry).Name | Should -Be @('a', 'c')
        Get-OurListLines | Should -Be (Get-NixListLines)
        Add-FlakeRegistryEntry b/branch path:/bb
        Add-FlakeRegistryEntry b path:/b
        Remove-FlakeRegistryEntry b/branch
        (Get-FlakeRegistryEntry).FromInput.ToNixUrl() | Should -Be @('flake:a', 'flake:c', 'flake:b')
    }

    It 'removes piped entries from their own files, in one write per file' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        'a1', 'b1', 'a2' | ForEach-Object { Add-FlakeRegistryEntry $_ "path:/$_" }
        'a3', 'b2' | ForEach-Object { Add-FlakeRegistryEntry $_ "path:/$_" -Scope System }
        Get-FlakeRegistryEntry a* | Remove-FlakeRegistryEntry
        (Get-FlakeRegistryEntry).Name | Should -Be @('b1', 'b2')
        Get-OurListLines | Should -Be (Get-NixListLines)
    }

    It 'shows the JSON entries with -WhatIf and leaves the file byte-identical' {
        $sandbox = New-RegistrySandbox
        Add-FlakeRegistryEntry elgato github:o/elgato
        $before = Get-FileBytesHash $sandbox.User
        $output = Get-WhatIfText { Remove-FlakeRegistryEntry elgato -WhatIf }
        $output | Should -Match '-     "id": "elgato"'
        Get-FileBytesHash $sandbox.User | Should -Be $before
    }

    It 'says where a missing entry is instead' {
        $sandbox = New-RegistrySandbox
        Add-FlakeRegistryEntry sys path:/sys -Scope System
        Add-FlakeRegistryEntry mine path:/mine
        Remove-FlakeRegistryEntry sys -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryEntryNotFound,FlakeTools.Commands.RemoveFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'has no entry ''sys'' \(it has: mine\); it is in the system registry .*-Scope System'
        Remove-FlakeRegistryEntry sys -Scope System
        Get-FlakeRegistryEntry -Scope System | Should -BeNullOrEmpty
    }

    It 'refuses a piped entry whose file changed since it was read' {
        $null = New-RegistrySandbox
        'a', 'b' | ForEach-Object { Add-FlakeRegistryEntry $_ "path:/$_" }
        $stale = Get-FlakeRegistryEntry b
        Remove-FlakeRegistryEntry a
        $stale | Remove-FlakeRegistryEntry -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryChanged,FlakeTools.Commands.RemoveFlakeRegistryEntryCommand'
        (Get-FlakeRegistryEntry).Name | Should -Be 'b'
    }
}

Describe 'Resolve-FlakeRegistryEntry' {
    It 'gives the entry that answers and the reference nix flake metadata resolves to' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox
        $flake = New-LocalFlake (Join-Path $sandbox.Root 'local')
        $null = New-LocalFlake (Join-Path $flake 'sub')
        Set-Content -LiteralPath $sandbox.Global -Value "{`"version`":2,`"flakes`":[{`"from`":{`"type`":`"indirect`",`"id`":`"local`"},`"to`":{`"type`":`"path`",`"path`":`"/nonexistent`"}},{`"from`":{`"type`":`"indirect`",`"id`":`"far`"},`"to`":{`"type`":`"path`",`"path`":`"$flake`",`"dir`":`"sub`"}}]}"
        Add-FlakeRegistryEntry local "path:$flake"
        Add-FlakeRegistryEntry near far
        foreach ($reference in 'local', 'near', 'far') {
            $resolution = Resolve-FlakeRegistryEntry $reference
            $metadata = nix flake metadata --json $reference | ConvertFrom-Json
            [uri]::UnescapeDataString($resolution.ResolvedUrl) | Should -Be ([uri]::UnescapeDataString($metadata.resolvedUrl))
        }
        $near = Resolve-FlakeRegistryEntry near
        $near.Entry.Scope | Should -Be 'User'
        ($near.Steps | ForEach-Object Name) | Should -Be @('near', 'far')
        $near.Resolved.Dir | Should -Be 'sub'
        (Get-FlakeRegistryEntry local -Scope User | Resolve-FlakeRegistryEntry).Entry.Source | Should -Be $sandbox.User
    }

    It 'fails as nix fails for a name in no registry' {
        $null = New-RegistrySandbox
        Resolve-FlakeRegistryEntry elgato -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryLookupFailed,FlakeTools.Commands.ResolveFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match "cannot find flake 'flake:elgato' in the flake registries"
        (Resolve-FlakeRegistryEntry github:o/r).ResolvedUrl | Should -Be 'github:o/r'
    }
}

Describe 'The global registry as a local file' {
    It 'is written with -Scope Global when it can be, and nix reads the result' -Skip:(-not $HasNix) {
        $sandbox = New-RegistrySandbox -Global '{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs"}}]}'
        Add-FlakeRegistryEntry templates github:NixOS/templates -Scope Global
        (Get-FlakeRegistryEntry -Scope Global).Name | Should -Be @('nixpkgs', 'templates')
        Get-OurListLines | Should -Be (Get-NixListLines)
        Remove-FlakeRegistryEntry nixpkgs -Scope Global
        Get-OurListLines | Should -Be (Get-NixListLines)
        (Get-Content -Raw $sandbox.Global) | Should -Not -Match 'nixpkgs'
    }

    It 'is refused when it is a downloaded URL, saying to use the user registry' {
        $null = New-RegistrySandbox
        $env:NIX_CONFIG = "flake-registry = https://example.invalid/registry.json"
        Add-FlakeRegistryEntry x path:/x -Scope Global -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryNotWritable,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match '-Scope User'
    }
}
