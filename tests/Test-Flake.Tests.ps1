# Test-Flake through its PowerShell surface: findings as objects, the filters, -Quiet (and the
# exit status CI gets from it), -Fix with ShouldProcess, errors with ids and targets, completion.
# What each finding means is tested in xunit (tests/FlakeTools.Core.Tests/Checks).

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    $root = Split-Path -Parent $PSScriptRoot
    function New-Example([string] $Name) {
        $destination = Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        Copy-Item -LiteralPath (Join-Path $root "examples/$Name") -Destination $destination -Recurse
        $destination
    }
    function New-CleanFlake {
        $destination = (New-Item -ItemType Directory -Path (Join-Path $TestDrive "clean-$([guid]::NewGuid().ToString('N').Substring(0, 6))")).FullName
        Set-Content -LiteralPath (Join-Path $destination 'flake.nix') -Value "{`n  description = `"nothing to find`";`n  outputs = { self }: { };`n}"
        $destination
    }
}

Describe 'Test-Flake' {
    It 'checks the registry and unfree areas too' {
        # kahless: home.nix's allowUnfree is ignored (useGlobalPkgs), and its registry declarations are read.
        $kahless = Join-Path $root 'examples/kahless'
        @(Test-Flake -Path $kahless -Area Unfree).Id | Should -Contain 'UnfreeNotEffective'
        $copy = (New-Item -ItemType Directory -Path (Join-Path $TestDrive "registry-$([guid]::NewGuid().ToString('N').Substring(0, 6))")).FullName
        Copy-Item -Path (Join-Path $kahless '*') -Destination $copy -Recurse
        @(Test-Flake -Path $copy -Area Registry) | Should -BeNullOrEmpty
        # Registering an outputs argument that is no input: Nix takes it from the registry, and the declaration is an error.
        $flake = Join-Path $copy 'flake.nix'
        $text = [IO.File]::ReadAllText($flake)
        [IO.File]::WriteAllText($flake, $text.Replace('home-manager, elgato }:', 'home-manager, elgato, ghost }:').Replace('nix.registry.elgato.flake = elgato;', "nix.registry.elgato.flake = elgato;`n          nix.registry.ghost.flake = ghost;"))
        $finding = @(Test-Flake -Path $copy -Area Registry -Id RegistryInputNotDeclared)
        $finding.Target | Should -Be 'ghost'
        $finding.Severity | Should -Be 'Error'
        $finding.Line | Should -Be 34
        @(Test-Flake -Path $copy -Area Inputs -Id OutputsArgumentNotDeclared).Target | Should -Be 'ghost'
        # -Fix: home.nix's allowUnfree is ignored by home-manager 23.05 (the pkgs it is given wins); the fix makes that pkgs allow unfree.
        $old = (New-Item -ItemType Directory -Path (Join-Path $TestDrive "hm2305-$([guid]::NewGuid().ToString('N').Substring(0, 6))")).FullName
        Copy-Item -Path (Join-Path $root 'examples/newcomer/*') -Destination $old -Recurse
        Remove-Item -LiteralPath (Join-Path $old 'flake.lock')
        $flake = Join-Path $old 'flake.nix'
        [IO.File]::WriteAllText($flake, [IO.File]::ReadAllText($flake).Replace('home-manager/release-24.05', 'home-manager/release-23.05'))
        $homeNix = Join-Path $old 'home.nix'
        [IO.File]::WriteAllText($homeNix, [IO.File]::ReadAllText($homeNix).Replace('  home.stateVersion', "  nixpkgs.config.allowUnfree = true;`n  home.stateVersion"))
        $finding = @(Test-Flake -Path $old -Area Unfree -Id UnfreeNotEffective)
        $finding.Target | Should -Be 'alex@laptop: allowUnfree'
        $before = [IO.File]::ReadAllText($flake)
        $before | Should -Match ([regex]::Escape('pkgs = nixpkgs.legacyPackages.x86_64-linux;'))
        $null = Test-Flake -Path $old -Area Unfree -Fix -Confirm:$false -WarningAction SilentlyContinue
        $after = [IO.File]::ReadAllText($flake)
        $after | Should -Be ($before.Replace('pkgs = nixpkgs.legacyPackages.x86_64-linux;', "pkgs = import nixpkgs {`n        system = `"x86_64-linux`";`n        config.allowUnfree = true;`n      };"))
        if (Get-Command nix-instantiate -ErrorAction Ignore) {
            $null = & nix-instantiate --parse $flake 2>&1
            $LASTEXITCODE | Should -Be 0
        }
        (Get-Command Test-Flake).Parameters['Area'].Attributes.Where({ $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }) | Should -Not -BeNullOrEmpty
    }

    It 'writes Finding objects with every property set, grouped by area' {
        $findings = @(Test-Flake -Path (Join-Path $root 'examples/newcomer'))
        $findings | ForEach-Object { $_ | Should -BeOfType ([FlakeTools.Core.Project.Finding]) }
        ($findings.Id | Sort-Object -Unique) | Should -Be @('ArgumentNotPassed', 'InputUnused', 'PinnedInputFollows', 'UnfreeNoConfig')
        foreach ($finding in $findings) {
            $finding.Area | Should -BeIn @('Parse', 'Lock', 'Inputs', 'Configurations', 'Registry', 'Unfree')
            $finding.Message | Should -Not -BeNullOrEmpty
            $finding.Fix | Should -Not -BeNullOrEmpty
            $finding.Target | Should -Not -BeNullOrEmpty
            $finding.Path | Should -Exist
            $finding.Line | Should -BeGreaterThan 0
        }
        ($findings | Where-Object Id -eq InputUnused).Target | Should -Be @('hyprland', 'waybar')
    }

    It 'filters by -Id and -Area (wildcards) and -Severity' {
        $path = Join-Path $root 'examples/newcomer'
        @(Test-Flake -Path $path -Id InputUnused).Target | Should -Be @('hyprland', 'waybar')
        @(Test-Flake -Path $path -Id 'Pinned*').Count | Should -Be 2
        @(Test-Flake -Path $path -Area Configurations).Id | Should -Be @('ArgumentNotPassed')
        @(Test-Flake -Path $path -Area 'Inp*' -Severity Warning).Id | Should -Be @('InputUnused', 'InputUnused')
        @(Test-Flake -Path $path -Severity Error) | Should -BeNullOrEmpty
        @(Test-Flake -Path $path -Area Lock) | Should -BeNullOrEmpty
    }

    It 'warns about an -Area that names no area' {
        $null = Test-Flake -Path (New-CleanFlake) -Area Nonsense -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match 'names no area of Test-Flake; the areas are: Parse, Lock, Inputs, Configurations'
    }

    It '-Quiet returns one boolean per flake' {
        $clean = New-CleanFlake
        Test-Flake -Path $clean -Quiet | Should -BeExactly $true
        Test-Flake -Path (Join-Path $root 'examples/newcomer') -Quiet | Should -BeExactly $false
        Test-Flake -Path (Join-Path $root 'examples/newcomer') -Severity Error -Quiet | Should -BeExactly $true
        $both = Test-Flake -LiteralPath $clean, (Join-Path $root 'examples/kahless') -Quiet
        $both | Should -Be @($true, $false)
    }

    It 'gives pwsh -Command an exit status for CI, as documented' {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $manifest = Join-Path $root 'FlakeTools.psd1'
        $command = "Import-Module '$manifest'; exit [int]((Test-Flake -Path '{0}' -Quiet) -contains `$false)"
        & $pwsh -NoProfile -NonInteractive -Command ($command -f (Join-Path $root 'examples/newcomer'))
        $LASTEXITCODE | Should -Be 1
        & $pwsh -NoProfile -NonInteractive -Command ($command -f (New-CleanFlake))
        $LASTEXITCODE | Should -Be 0
        # A path that is not there is not a pass.
        & $pwsh -NoProfile -NonInteractive -Command ($command -f (Join-Path $TestDrive 'not-there')) 2>$null
        $LASTEXITCODE | Should -Be 1
    }

    It 'takes flakes from the pipeline (Get-Item, and a finding''s Path)' {
        $path = New-Example newcomer
        @(Get-Item -LiteralPath $path | Test-Flake -Id InputUnused).Count | Should -Be 2
        @(Test-Flake -Path $path -Id InputUnused | Select-Object -First 1 | Test-Flake -Id InputUnused).Count | Should -Be 2
    }

    It 'reports what it cannot read as an error with an id and a target' {
        $empty = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'no-flake')).FullName
        Test-Flake -LiteralPath $empty -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'FlakeNotFound,FlakeTools.Commands.TestFlakeCommand'
        $err[0].TargetObject | Should -Be $empty
        Test-Flake -LiteralPath $empty -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
        Test-Flake -LiteralPath (Join-Path $TestDrive 'not-there') -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
        Test-Flake -Path (Join-Path $TestDrive 'not-there*') -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
        { Test-Flake -Path (Join-Path $TestDrive 'missing*') -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,FlakeTools.Commands.TestFlakeCommand'
    }

    It 'reports a broken flake.nix as a finding, with file and line' {
        $path = New-CleanFlake
        Set-Content -LiteralPath (Join-Path $path 'flake.nix') -Value "{`n  outputs = { self }: {`n}"
        $finding = Test-Flake -Path $path
        $finding.Id | Should -Be 'ParseError'
        $finding.Path | Should -Be (Join-Path $path 'flake.nix')
        $finding.Line | Should -Be 4 # the end of the file, where the closing brace is missing
    }

    It '-Fix -WhatIf says what it would change and leaves every byte' {
        $path = New-Example newcomer
        $before = Get-ChildItem -LiteralPath $path -File -Recurse | ForEach-Object { Get-FileBytesHash $_.FullName }
        $transcript = Join-Path $TestDrive 'fix-whatif.txt'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { $findings = @(Test-Flake -Path $path -Fix -WhatIf) } finally { Stop-Transcript | Out-Null }
        Get-Content -Raw -LiteralPath $transcript | Should -Match 'What if: .*Pass inputs to the modules of homeConfigurations\.alex@laptop: extraSpecialArgs \{ inherit inputs; \}'
        Get-ChildItem -LiteralPath $path -File -Recurse | ForEach-Object { Get-FileBytesHash $_.FullName } | Should -Be $before
        $findings.Id | Should -Contain 'ArgumentNotPassed'
    }

    It '-Fix makes the mechanical edits, then writes what is left' {
        $path = New-Example newcomer
        $left = @(Test-Flake -Path $path -Fix -Confirm:$false)
        ($left.Id | Sort-Object -Unique) | Should -Be @('InputUnused', 'PinnedInputFollows', 'UnfreeNoConfig')
        $text = Get-Content -Raw -LiteralPath (Join-Path $path 'flake.nix')
        $expected = (Get-Content -Raw -LiteralPath (Join-Path $root 'examples/newcomer/flake.nix')).
            Replace('outputs = { self, nixpkgs, home-manager, hyprland, waybar }: {', 'outputs = { self, nixpkgs, home-manager, hyprland, waybar }@inputs: {').
            Replace("      pkgs = nixpkgs.legacyPackages.x86_64-linux;`n", "      pkgs = nixpkgs.legacyPackages.x86_64-linux;`n      extraSpecialArgs = { inherit inputs; };`n")
        $text | Should -BeExactly $expected
        # Nothing more to do: a second run writes nothing.
        $stamp = (Get-Item -LiteralPath (Join-Path $path 'flake.nix')).LastWriteTimeUtc
        $null = Test-Flake -Path $path -Fix -Confirm:$false
        (Get-Item -LiteralPath (Join-Path $path 'flake.nix')).LastWriteTimeUtc | Should -Be $stamp
    }

    It '-Fix applies only the findings the filters select' {
        $path = New-Example kahless
        $before = Get-FileBytesHash (Join-Path $path 'flake.nix')
        $null = Test-Flake -Path $path -Fix -Id InputUnused -Confirm:$false
        Get-FileBytesHash (Join-Path $path 'flake.nix') | Should -Be $before
        $null = Test-Flake -Path $path -Fix -Id Duplicate -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        Get-Content -Raw -LiteralPath (Join-Path $path 'flake.nix') | Should -Match ([regex]::Escape('inputs.elgato.inputs.nixpkgs.follows = "nixpkgs";'))
        $warnings | Should -Match 'nix flake lock'
    }

    It '-Fix reports a file it cannot write, with its id, and goes on' {
        if ((id -u) -eq 0) { Set-ItResult -Skipped -Because 'root writes read-only files anyway; the read-only case runs as non-root only'; return }
        $path = New-Example newcomer
        chmod a-w (Join-Path $path 'flake.nix')
        $null = Test-Flake -Path $path -Fix -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Match '^File\w+,FlakeTools.Commands.TestFlakeCommand$'
        $err[0].TargetObject | Should -Be (Join-Path $path 'flake.nix')
    }

    It 'completes -Id and -Area' {
        $line = 'Test-Flake -Id InputU'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('InputUnused', 'InputUrlWithFollows', 'InputUseUnknown')
        $line = 'Test-Flake -Area Co'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Configurations')
        $line = 'Test-Flake -Area Lock -Id Dup'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Duplicate', 'DuplicateKey')
        $line = 'Test-Flake -Area Inputs -Id Dup'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -BeNullOrEmpty
    }
}
