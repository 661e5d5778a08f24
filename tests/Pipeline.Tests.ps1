# Objects on the pipeline bind literally (issue 15, item 1): a piped object's Path is a path some
# cmdlet printed, not a pattern, so `br[1]` must never reach `br1`, and a folder named `[x]` (which
# as a pattern matches nothing) must still be found. A pattern typed in -Path that matches nothing
# is an error, not silence.
BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force

    # br[1] and br1 side by side, plus [x] alone: each a copy of the example flake with its lock.
    function New-BracketFlakes {
        $base = Join-Path $TestDrive "brackets-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $flakes = @{}
        foreach ($name in 'br[1]', 'br1', '[x]') {
            $flakes[$name] = New-TestFlake desktop -Destination (Join-Path $base $name)
        }
        $flakes
    }

    function Get-Hashes([string] $Directory) {
        Get-ChildItem -LiteralPath $Directory -File | Sort-Object Name | ForEach-Object { "$($_.Name)=$(Get-FileBytesHash $_.FullName)" }
    }
}

Describe 'Pipeline objects bind literally' {
    BeforeEach {
        $flakes = New-BracketFlakes
        $bracket = $flakes['br[1]']
        $plain = $flakes['br1']
        $x = $flakes['[x]']
        $plainBefore = Get-Hashes $plain
    }

    It 'Get-FlakeInput reads the piped br[1], not br1' {
        $inputs = Get-Item -LiteralPath $bracket | Get-FlakeInput
        $inputs.Path | Select-Object -Unique | Should -Be $bracket
        $again = $inputs | Select-Object -First 1 | Get-FlakeInput
        $again.Path | Select-Object -Unique | Should -Be $bracket
    }

    It 'Get-FlakeLock reads the lock of the piped br[1]' {
        $lock = Get-FlakeInput -LiteralPath $bracket | Select-Object -First 1 | Get-FlakeLock
        $lock.Path | Should -Be (Join-Path $bracket 'flake.lock')
    }

    It 'Get-FlakeLockEntry lists the lock of the piped br[1]' {
        $entries = Get-FlakeInput -LiteralPath $bracket | Select-Object -First 1 | Get-FlakeLockEntry
        $entries | Should -Not -BeNullOrEmpty
        $entries.Path | Select-Object -Unique | Should -Be $bracket
    }

    It 'Test-FlakeLock checks the lock of the piped br[1]' {
        $findings = Get-FlakeInput -LiteralPath $bracket | Select-Object -First 1 | Test-FlakeLock
        $findings | Should -Not -BeNullOrEmpty
        $findings.Path | Select-Object -Unique | Should -Be $bracket
    }

    It 'Set-FlakeInput edits the piped br[1] and leaves br1 alone' {
        $changed = Get-FlakeInput -LiteralPath $bracket waybar | Set-FlakeInput -Url path:/y -PassThru
        $changed.Path | Should -Be $bracket
        (Get-FlakeInput -LiteralPath $bracket waybar).Url | Should -Be 'path:/y'
        Get-Hashes $plain | Should -Be $plainBefore
    }

    It 'Add-FlakeInput adds to the piped br[1]' {
        [pscustomobject]@{ Path = $bracket; Name = 'extra'; Url = 'github:o/r' } | Add-FlakeInput
        (Get-FlakeInput -LiteralPath $bracket extra).Url | Should -Be 'github:o/r'
        Get-Hashes $plain | Should -Be $plainBefore
    }

    It 'Remove-FlakeInput removes from the piped br[1]' {
        Get-FlakeInput -LiteralPath $bracket wallpapers | Remove-FlakeInput -Confirm:$false
        (Get-FlakeInput -LiteralPath $bracket).Name | Should -Not -Contain 'wallpapers'
        Get-Hashes $plain | Should -Be $plainBefore
    }

    It 'Optimize-FlakeInput edits the piped br[1]' {
        $added = Get-FlakeInput -LiteralPath $bracket | Select-Object -First 1 | Optimize-FlakeInput -Confirm:$false -WarningAction SilentlyContinue
        $added.Declaration | Should -Be 'waybar.inputs.nixpkgs.follows = "nixpkgs";'
        Get-Content -LiteralPath (Join-Path $bracket 'flake.nix') -Raw | Should -Match 'waybar\.inputs\.nixpkgs\.follows'
        Get-Hashes $plain | Should -Be $plainBefore
    }

    It 'Compare-FlakeLock compares the piped br[1] with its git history' {
        $base = Split-Path -Parent $bracket
        $null = Invoke-Git $base init -q
        $null = Invoke-Git $base add -A
        $null = Invoke-Git $base commit -q -m init
        $lockPath = Join-Path $bracket 'flake.lock'
        (Get-Content -LiteralPath $lockPath -Raw) -replace '"rev": "[0-9a-f]{40}"', ('"rev": "' + ('b' * 40) + '"') | Set-Content -LiteralPath $lockPath -NoNewline
        $changes = Get-FlakeInput -LiteralPath $bracket | Select-Object -First 1 | Compare-FlakeLock -Revision HEAD
        $changes | Should -Not -BeNullOrEmpty
        $changes.Path | Select-Object -Unique | Should -Be $bracket
    }

    It 'Update-FlakeInput locks the piped br[1] and not br1' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $null = Initialize-Nix
        $root = New-NixScenario
        foreach ($folder in $bracket, $plain) {
            Remove-Item -LiteralPath (Join-Path $folder 'flake.lock')
            Copy-Item -LiteralPath (Join-Path $root 'flake.nix') -Destination $folder
        }
        $plainBefore = Get-Hashes $plain
        Get-FlakeInput -LiteralPath $bracket dep | Update-FlakeInput -WarningAction SilentlyContinue
        Test-Path -LiteralPath (Join-Path $bracket 'flake.lock') | Should -BeTrue
        Get-Hashes $plain | Should -Be $plainBefore
    }

    It '<Command> finds a piped folder named [x], which as a pattern matches nothing' -ForEach @(
        @{ Command = 'Get-FlakeInput'; Run = { param($o) $o | Get-FlakeInput } }
        @{ Command = 'Get-FlakeLock'; Run = { param($o) $o | Get-FlakeLock } }
        @{ Command = 'Get-FlakeLockEntry'; Run = { param($o) $o | Get-FlakeLockEntry } }
        @{ Command = 'Test-FlakeLock'; Run = { param($o) $o | Test-FlakeLock } }
        @{ Command = 'Set-FlakeInput'; Run = { param($o) $o | Set-FlakeInput -Url path:/z -PassThru } }
    ) {
        $piped = [pscustomobject]@{ Path = $x; Name = 'waybar' }
        $output = & $Run $piped -ErrorAction Stop
        $output | Should -Not -BeNullOrEmpty
    }

    It '<_> reports a -Path pattern that matches nothing instead of doing nothing' -ForEach @(
        'Get-FlakeInput', 'Get-FlakeLock', 'Get-FlakeLockEntry', 'Test-FlakeLock', 'Optimize-FlakeInput', 'Remove-FlakeInput', 'Set-FlakeInput', 'Update-FlakeInput', 'Add-FlakeInput', 'Compare-FlakeLock'
    ) {
        $command = $_
        $extra = switch ($command) {
            'Remove-FlakeInput' { @{ Name = 'waybar'; Confirm = $false } }
            'Set-FlakeInput' { @{ Name = 'waybar'; Url = 'path:/z' } }
            'Update-FlakeInput' { @{ Name = 'waybar'; WhatIf = $true } }
            'Add-FlakeInput' { @{ Name = 'extra'; Url = 'github:o/r' } }
            'Compare-FlakeLock' { @{ Revision = 'HEAD' } }
            default { @{} }
        }
        $pattern = Join-Path (Split-Path -Parent $x) '[x]'
        { & $command -Path $pattern @extra -ErrorAction Stop } | Should -Throw -ErrorId "PathNotFound,FlakeTools.Commands.$($command -replace '-', '')Command"
    }
}
