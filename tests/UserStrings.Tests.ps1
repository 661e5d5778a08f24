# Names and values from users go into Nix safely (issue 12, section 3; issue 15, items 3, 4, 9):
# what needs quoting is written so that Nix parses it to exactly that name (checked with
# nix-instantiate), and what Nix cannot take is refused with the rule it breaks, without touching
# the file.
BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    $hasNixInstantiate = [bool](Get-Command nix-instantiate -ErrorAction Ignore)

    # What Nix itself reads from the flake.nix: (import ./flake.nix) evaluated by nix-instantiate.
    function Invoke-NixEval([string] $Directory, [string] $Expression) {
        $file = Join-Path $Directory 'flake.nix'
        $json = & nix-instantiate --eval --strict --json -E "let flake = import $file; in $Expression" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "nix-instantiate failed: $json" }
        $json | ConvertFrom-Json -AsHashtable
    }
}

Describe 'Names that need quoting' {
    BeforeEach {
        $hostname = New-TestFlake hostname -Destination (Join-Path $TestDrive "names-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        $flake = Join-Path $hostname 'flake.nix'
    }

    It 'adds input <_> so that Nix reads exactly that name' -ForEach @('my.input', 'a"b', '${x}', 'ünï', '1x', 'if', 'a\b') {
        if (-not $hasNixInstantiate) { Set-ItResult -Skipped -Because 'nix-instantiate is not installed: the names could not be checked against Nix' ; return }
        Add-FlakeInput -Path $hostname -Name $_ -Url github:o/r -WarningAction SilentlyContinue
        $urls = Invoke-NixEval $hostname 'builtins.mapAttrs (name: input: input.url or null) flake.inputs'
        $urls.Keys | Should -Contain $_
        $urls[$_] | Should -Be 'github:o/r'
        (Get-FlakeInput -Path $hostname -Name ([WildcardPattern]::Escape($_))).Name | Should -Be $_
    }

    It 'writes follows keys that need quoting so that Nix reads exactly those names' {
        if (-not $hasNixInstantiate) { Set-ItResult -Skipped -Because 'nix-instantiate is not installed' ; return }
        $keys = @('a"b', '${x}', 'ünï', '1x', 'if')
        $follows = @{}
        foreach ($key in $keys) { $follows[$key] = 'nixpkgs' }
        $follows['rec'] = ''
        Add-FlakeInput -Path $hostname -Name quoted -Url github:o/r -Follows $follows
        $inputs = Invoke-NixEval $hostname 'flake.inputs.quoted.inputs'
        $inputs.Keys | Sort-Object | Should -Be (@($keys) + 'rec' | Sort-Object)
        foreach ($key in $keys) { $inputs[$key].follows | Should -Be 'nixpkgs' }
        $inputs['rec'].follows | Should -Be ''
    }

    It 'warns that Nix''s follows and command line cannot name my.input' {
        Add-FlakeInput -Path $hostname -Name 'my.input' -Url github:o/r -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings -join "`n" | Should -Match 'cannot name it'
    }

    It 'refuses input name <Name>, naming the rule, and leaves the file alone' -ForEach @(
        @{ Name = 'self'; Rule = 'the flake itself' }
        @{ Name = 'a/b'; Rule = "holds '/'" }
        @{ Name = "foo`n"; Rule = 'control character' }
        @{ Name = "tab`there"; Rule = 'control character' }
    ) {
        $before = Get-FileBytesHash $flake
        Add-FlakeInput -Path $hostname -Name $Name -Url github:o/r -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidInputName,FlakeTools.Commands.AddFlakeInputCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($Rule))
        Get-FileBytesHash $flake | Should -Be $before
    }

    It 'refuses a name that outputs without ... could not take' {
        $kahless = New-TestFlake kahless -Destination (Join-Path $TestDrive "closed-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        $before = Get-FileBytesHash (Join-Path $kahless 'flake.nix')
        Add-FlakeInput -Path $kahless -Name 'if' -Url github:o/r -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidInputName,FlakeTools.Commands.AddFlakeInputCommand'
        $err[0].Exception.Message | Should -Match "add '\.\.\.'"
        Get-FileBytesHash (Join-Path $kahless 'flake.nix') | Should -Be $before
    }
}

Describe 'Strings that must not slip through' {
    BeforeEach {
        $hostname = New-TestFlake hostname -Destination (Join-Path $TestDrive "strings-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        $flake = Join-Path $hostname 'flake.nix'
        $before = Get-FileBytesHash $flake
    }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'a rev with a trailing newline'; Id = 'InvalidRev'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Rev (('a' * 40) + "`n") } }
        @{ Case = 'a ref with a trailing newline'; Id = 'InvalidRef'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Ref "v1`n" } }
        @{ Case = 'an upper-case rev'; Id = 'InvalidRev'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Rev ('A' * 40) } }
        @{ Case = 'a ref starting with a dash'; Id = 'InvalidRef'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Ref '-x' } }
        @{ Case = 'follows keys equal after normalisation'; Id = 'InvalidFollows'; Run = { param($p) Add-FlakeInput -Path $p foo github:o/r -Follows @{ 'a.b' = 'x'; 'a/b' = 'y' } } }
        @{ Case = 'a list as a follows value'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ nixpkgs = @('a', 'b') } } }
        @{ Case = 'a follows key with a leading slash'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ '/x' = 'nixpkgs' } } }
        @{ Case = 'a follows key with a trailing slash'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ 'z/' = 'nixpkgs' } } }
        @{ Case = 'a follows value with a newline'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ nixpkgs = "nixpkgs`n" } } }
        @{ Case = 'a follows value Nix cannot read (a dot)'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ nixpkgs = 'my.input' } } }
        @{ Case = 'a follows value with an empty step'; Id = 'InvalidFollows'; Run = { param($p) Set-FlakeInput -Path $p hyprland -Follows @{ nixpkgs = 'a//b' } } }
        @{ Case = 'a ref with a newline to Update-FlakeInput'; Id = 'InvalidRef'; Run = { param($p) Update-FlakeInput -Path $p hyprland -Ref "v1`n" } }
        @{ Case = 'a rev with a newline to Update-FlakeInput'; Id = 'InvalidRev'; Run = { param($p) Update-FlakeInput -Path $p hyprland -Rev (('a' * 40) + "`n") } }
    ) {
        # Non-terminating errors are what is checked, whatever the caller's $ErrorActionPreference.
        $err = @(& { $ErrorActionPreference = 'Continue'; & $Run $hostname } 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,FlakeTools.Commands.*"
        $err[0].Exception.Message | Should -Not -Match 'please report'
        Get-FileBytesHash $flake | Should -Be $before
    }

    It 'warns about a follows on a flake = false input' {
        Set-FlakeInput -Path $hostname waybar -Flake:$false
        Set-FlakeInput -Path $hostname waybar -Follows @{ systems = 'nixpkgs' } -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings -join "`n" | Should -Match 'flake = false'
    }

    It 'warns about an input that follows itself' {
        Set-FlakeInput -Path $hostname waybar -Follows @{ nixpkgs = 'waybar' } -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings -join "`n" | Should -Match 'itself'
    }
}

Describe '-WhatIf shows a minimal diff' {
    It 'shows an added input and a changed outputs line, not the lines between them' {
        $hostname = New-TestFlake hostname -Destination (Join-Path $TestDrive 'diff')
        $transcript = Join-Path $TestDrive 'diff.txt'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { Add-FlakeInput -Path $hostname elgato github:waxlamp/elgato/flakes -WhatIf } finally { Stop-Transcript | Out-Null }
        $lines = Get-Content -LiteralPath $transcript
        $removed = @($lines | Where-Object { $_ -match '^\s+\d+ - ' })
        $added = @($lines | Where-Object { $_ -match '^\s+\d+ \+ ' })
        $removed.Count | Should -Be 1
        $removed[0] | Should -Match '14 -   outputs = \{ nixpkgs, home-manager, hyprland, waybar, \.\.\. \}@inputs: \{'
        $added.Count | Should -Be 2
        $added[0] | Should -Match '12 \+     elgato\.url = "github:waxlamp/elgato/flakes";'
        $added[1] | Should -Match '15 \+   outputs = \{ nixpkgs, home-manager, hyprland, waybar, elgato, \.\.\. \}@inputs: \{'
        # one line of context each side of a change: lines 11, 13, 14 and 16 of the new file
        @($lines | Where-Object { $_ -match '^\s+\d+ {3}' }).Count | Should -Be 4
    }
}
