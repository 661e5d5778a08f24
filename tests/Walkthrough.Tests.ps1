# The README's walkthrough ("Walkthrough: the two setups in examples/"), run exactly as written:
# its PowerShell code blocks one after the other in a copy of examples/, its shell block from the
# repository root. The text around the blocks promises what they show; the checks below hold it to that.

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    $root = Split-Path -Parent $PSScriptRoot
    $readme = Get-Content -Raw -LiteralPath (Join-Path $root 'README.md')
    $section = [regex]::Match($readme, '(?ms)^## Walkthrough: the two setups in examples/[ \t]*\r?\n(.*?)(?=^## )').Groups[1].Value
    $blocks = @([regex]::Matches($section, '(?ms)^```(powershell|sh)[ \t]*\r?\n(.*?)^```[ \t]*$') | ForEach-Object { [pscustomobject]@{ Language = $_.Groups[1].Value; Code = $_.Groups[2].Value } })
}

Describe 'The README walkthrough' {
    It 'is there, with its code blocks' {
        $section | Should -Not -BeNullOrEmpty
        @($blocks | Where-Object Language -eq 'powershell').Count | Should -BeGreaterOrEqual 8
        @($blocks | Where-Object Language -eq 'sh').Count | Should -Be 1
    }

    It 'runs as written in a copy of examples/, without an error, and shows what the text says' {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'walkthrough')).FullName
        Copy-Item -LiteralPath (Join-Path $root 'examples') -Destination $work -Recurse
        $before = Get-ChildItem -LiteralPath (Join-Path $work 'examples') -File -Recurse | ForEach-Object { "$($_.FullName.Substring($work.Length))=$(Get-FileBytesHash $_.FullName)" }
        $transcript = Join-Path $TestDrive 'walkthrough.txt'
        Push-Location -LiteralPath $work
        $ErrorActionPreference = 'Stop'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try {
            $text = foreach ($block in $blocks | Where-Object Language -eq 'powershell') {
                . ([scriptblock]::Create($block.Code)) | Out-String -Width 400
            }
        }
        finally {
            Stop-Transcript | Out-Null
            $ErrorActionPreference = 'Continue'
            Pop-Location
        }
        $text = $text -join "`n"
        # The newcomer's inputs reach nothing, home.nix asks for inputs nobody passes, the follows are information.
        $text | Should -Match 'InputUnused\s+hyprland'
        $text | Should -Match 'InputUnused\s+waybar'
        $text | Should -Match 'pkgs\.waybar still comes from nixpkgs'
        $text | Should -Match 'PinnedInputFollows'
        $text | Should -Match 'home\.nix.*inputs'
        Get-Content -Raw -LiteralPath $transcript | Should -Match 'What if: .*Pass inputs to the modules of homeConfigurations'
        $text | Should -Match "module desktop\.nix uses 'inputs'"
        $text | Should -Match 'True'
        # kahless: pkgs-unstable reaches home.nix through extraSpecialArgs; the users get the system's pkgs; elgato's duplicate.
        $text | Should -Match 'home\.nix .*pkgs-unstable.* ExtraSpecialArgs'
        $text | Should -Match 'HomeManagerPkgs : the system''s pkgs \(useGlobalPkgs\)'
        $text | Should -Match 'Duplicate\s+elgato/nixpkgs'
        # kahless's unfree: home.nix's allowUnfree is ignored (useGlobalPkgs), legacyPackages has no unfree, the fix imports it with config.
        $text | Should -Match 'useGlobalPkgs = true'
        $text | Should -Match 'nixpkgs-unstable\.legacyPackages is nixpkgs with its default config'
        $text | Should -Match 'PackageSet\s+pkgs-unstable = import nixpkgs-unstable\s+True'
        Get-Content -Raw -LiteralPath $transcript | Should -Match ([regex]::Escape('nix.registry.home-manager.flake = home-manager;'))
        $text | Should -Match 'elgato\s+github:example/elgato-control'

        # The copies were fixed; examples/ itself was only read.
        $after = Get-ChildItem -LiteralPath (Join-Path $work 'examples') -File -Recurse | ForEach-Object { "$($_.FullName.Substring($work.Length))=$(Get-FileBytesHash $_.FullName)" }
        $after | Should -Be $before
        @(Test-Flake -Path (Join-Path $work 'newcomer-fixed')).Id | Sort-Object -Unique | Should -Be @('PinnedInputFollows', 'UnfreeNoConfig')
        Get-Content -Raw (Join-Path $work 'kahless-unfree/flake.nix') | Should -Match '(?s)pkgs-unstable = import nixpkgs-unstable \{\s+system = "x86_64-linux";\s+config\.allowUnfree = true;\s+\};'
        Get-Content -Raw (Join-Path $work 'kahless-unfree/flake.nix') | Should -Not -Match 'nix\.registry\.home-manager'
        Get-Content -Raw (Join-Path $work 'kahless-fixed/flake.nix') | Should -Match ([regex]::Escape('inputs.elgato.inputs.nixpkgs.follows = "nixpkgs";'))
        $fixed = Get-Content -Raw (Join-Path $work 'newcomer-fixed/flake.nix')
        $fixed | Should -Match ([regex]::Escape('outputs = { self, nixpkgs, home-manager, hyprland, waybar }@inputs: {'))
        $fixed | Should -Match ([regex]::Escape('specialArgs = { inherit inputs; };'))
        $fixed | Should -Match ([regex]::Escape('extraSpecialArgs = { inherit inputs; };'))
        if (Get-Command nix-instantiate -ErrorAction Ignore) {
            foreach ($file in 'newcomer-fixed/flake.nix', 'newcomer-fixed/desktop.nix', 'newcomer-fixed/configuration.nix', 'kahless-fixed/flake.nix', 'kahless-unfree/flake.nix') {
                $null = & nix-instantiate --parse (Join-Path $work $file) 2>&1
                $LASTEXITCODE | Should -Be 0 -Because "$file must still parse"
            }
        }
    }

    It 'gives CI an exit status from its shell block' {
        $block = ($blocks | Where-Object Language -eq 'sh').Code
        Push-Location -LiteralPath $root
        try { $null = & bash -c $block 2>&1 } finally { Pop-Location }
        $LASTEXITCODE | Should -Be 1
        # And 0 where nothing is found.
        Push-Location -LiteralPath $root
        try { $null = & bash -c ($block -replace 'examples/newcomer', 'examples/newcomer -Id NoSuchFinding') 2>&1 } finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0
    }
}
