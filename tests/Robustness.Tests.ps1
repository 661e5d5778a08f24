# The never-crash suite (issue 12 section 3, issue 15 item 5): every cmdlet of the manifest, with
# -WhatIf and for real, over damaged flake.nix and flake.lock files. The only allowed outcomes are
# output objects, or error records with a cmdlet-specific id and a target. Never an unhandled
# exception, never a hang, never a written file that does not parse, never a changed byte when the
# command fails or under -WhatIf, never a temporary file left behind.
#
# Cases: a fixed list of damage kinds plus random mutations from a fixed seed. The random part is
# FLAKETOOLS_FUZZ_CASES cases (default 16; set e.g. 2000 for a long run) and FLAKETOOLS_FUZZ_SEED
# picks another seed; FLAKETOOLS_FUZZ_ONLY (a regex) runs only the cases whose name matches. Update-FlakeInput runs a fake `nix` (first on PATH) that succeeds without
# touching the lock or fails, so it never reaches the network and the suite stays fast.
#
# Unreadable files: the suite runs as root in CI, and root reads a chmod 000 file anyway; the case
# stays (it is real for a non-root run) and a FIFO stands in for a file that cannot be read.

BeforeDiscovery {
    $seed = if ($env:FLAKETOOLS_FUZZ_SEED) { [int]$env:FLAKETOOLS_FUZZ_SEED } else { 20261202 }
    $randomCount = if ($env:FLAKETOOLS_FUZZ_CASES) { [int]$env:FLAKETOOLS_FUZZ_CASES } else { 16 }
    $random = [Random]::new($seed)
    $example = Join-Path $PSScriptRoot '../examples/desktop'
    $nix = [IO.File]::ReadAllBytes((Join-Path $example 'flake.nix'))
    $lock = [IO.File]::ReadAllBytes((Join-Path $example 'flake.lock'))
    $utf8 = [Text.UTF8Encoding]::new($false)
    $nixText = $utf8.GetString($nix)
    $lockText = $utf8.GetString($lock)

    function Edit-Lock([scriptblock] $Change) {
        $json = $lockText | ConvertFrom-Json -AsHashtable
        & $Change $json
        $utf8.GetBytes(($json | ConvertTo-Json -Depth 32))
    }
    function Join-Bytes([byte[]] $a, [byte[]] $b) { [byte[]]($a + $b) }

    $cases = [Collections.Generic.List[hashtable]]::new()
    function Add-Case([string] $Name, [string] $File, $Content, [string] $Special = '') {
        $cases.Add(@{ Name = $Name; File = $File; Content = [byte[]]$Content; Special = $Special })
    }

    # flake.nix: fixed kinds.
    Add-Case 'flake.nix empty' 'flake.nix' @()
    Add-Case 'flake.nix truncated in the middle' 'flake.nix' $nix[0..($nix.Length / 2)]
    Add-Case 'flake.nix truncated to one byte' 'flake.nix' $nix[0..0]
    Add-Case 'flake.nix with invalid UTF-8 (0xFF)' 'flake.nix' (Join-Bytes $nix[0..99] (Join-Bytes @(0xFF) $nix[100..($nix.Length - 1)]))
    Add-Case 'flake.nix ending in half a UTF-8 character' 'flake.nix' (Join-Bytes $nix @(0xC3))
    Add-Case 'flake.nix with NUL bytes' 'flake.nix' (Join-Bytes $nix[0..49] (Join-Bytes @(0, 0, 0) $nix[50..($nix.Length - 1)]))
    Add-Case 'flake.nix only a BOM' 'flake.nix' @(0xEF, 0xBB, 0xBF)
    Add-Case 'flake.nix with CRLF line ends' 'flake.nix' $utf8.GetBytes($nixText.Replace("`n", "`r`n"))
    $many = [Text.StringBuilder]::new("{`n  inputs = {`n")
    foreach ($i in 1..5000) { $null = $many.Append("    in$i.url = `"github:owner/repo$i`";`n") }
    $null = $many.Append("  };`n  outputs = { self, ... }: { };`n}`n")
    Add-Case 'flake.nix huge (5,000 inputs)' 'flake.nix' $utf8.GetBytes($many.ToString())
    Add-Case 'flake.nix deeply nested (20,000 lists)' 'flake.nix' $utf8.GetBytes("{ inputs.nixpkgs.url = `"github:NixOS/nixpkgs`"; outputs = _: " + ('[' * 20000) + (']' * 20000) + "; }`n")
    Add-Case 'flake.nix deeply nested inputs (5,000 sets)' 'flake.nix' $utf8.GetBytes("{ inputs = " + ('{ a = ' * 5000) + '1' + ('; }' * 5000) + "; outputs = _: { }; }`n")
    Add-Case 'flake.nix is a directory' 'flake.nix' @() 'Directory'
    Add-Case 'flake.nix is a FIFO (cannot be read)' 'flake.nix' @() 'Fifo'
    Add-Case 'flake.nix is mode 000' 'flake.nix' $nix 'Unreadable'
    Add-Case 'flake.nix a dangling symbolic link' 'flake.nix' @() 'DanglingLink'

    # flake.lock: fixed kinds, including the damage a hand-resolved merge leaves (issue 15 item 5).
    Add-Case 'flake.lock empty' 'flake.lock' @()
    Add-Case 'flake.lock truncated in the middle' 'flake.lock' $lock[0..($lock.Length / 2)]
    Add-Case 'flake.lock with invalid UTF-8' 'flake.lock' (Join-Bytes $lock[0..29] (Join-Bytes @(0xFE, 0xFF) $lock[30..($lock.Length - 1)]))
    Add-Case 'flake.lock duplicate key' 'flake.lock' $utf8.GetBytes(($lockText -replace '"version": 7', '"version": 7, "version": 7'))
    Add-Case 'flake.lock follows holding a number' 'flake.lock' (Edit-Lock { param($j) $j.nodes['home-manager'].inputs.nixpkgs = @(1) })
    Add-Case 'flake.lock follows holding a list' 'flake.lock' (Edit-Lock { param($j) $j.nodes['home-manager'].inputs.nixpkgs = @(, @()) })
    Add-Case 'flake.lock lastModified out of range' 'flake.lock' (Edit-Lock { param($j) $j.nodes.nixpkgs.locked.lastModified = 300000000000 })
    Add-Case 'flake.lock lastModified negative' 'flake.lock' (Edit-Lock { param($j) $j.nodes.nixpkgs.locked.lastModified = -5 })
    Add-Case 'flake.lock lastModified a string' 'flake.lock' (Edit-Lock { param($j) $j.nodes.nixpkgs.locked.lastModified = 'yesterday' })
    Add-Case 'flake.lock follows cycle' 'flake.lock' (Edit-Lock { param($j) $j.nodes.hyprlang.inputs.nixpkgs = @('hyprland', 'hyprlang', 'nixpkgs') })
    Add-Case 'flake.lock input naming a missing node' 'flake.lock' (Edit-Lock { param($j) $j.nodes.root.inputs.nixpkgs = 'no-such-node' })
    Add-Case 'flake.lock root missing' 'flake.lock' (Edit-Lock { param($j) $j.Remove('root') })
    Add-Case 'flake.lock nodes a list' 'flake.lock' (Edit-Lock { param($j) $j.nodes = @(1, 2) })
    Add-Case 'flake.lock version 99' 'flake.lock' (Edit-Lock { param($j) $j.version = 99 })
    Add-Case 'flake.lock version a string' 'flake.lock' (Edit-Lock { param($j) $j.version = '7' })
    Add-Case 'flake.lock locked not an object' 'flake.lock' (Edit-Lock { param($j) $j.nodes.waybar.locked = 'x' })
    Add-Case 'flake.lock a JSON array' 'flake.lock' $utf8.GetBytes('[1, 2, 3]')
    Add-Case 'flake.lock deeply nested JSON' 'flake.lock' $utf8.GetBytes('{"nodes": ' + ('[' * 10000) + (']' * 10000) + ', "root": "root", "version": 7}')
    $hugeLock = Edit-Lock { param($j) foreach ($i in 1..3000) { $j.nodes["n$i"] = @{ locked = @{ type = 'github'; owner = 'o'; repo = "r$i"; rev = ('a' * 40); lastModified = 1700000000; narHash = 'sha256-AAAA' }; original = @{ type = 'github'; owner = 'o'; repo = "r$i" } }; $j.nodes.root.inputs["n$i"] = "n$i" } }
    Add-Case 'flake.lock huge (3,000 nodes)' 'flake.lock' $hugeLock
    Add-Case 'flake.lock is a directory' 'flake.lock' @() 'Directory'
    Add-Case 'flake.lock is a FIFO (cannot be read)' 'flake.lock' @() 'Fifo'
    Add-Case 'flake.lock is mode 000' 'flake.lock' $lock 'Unreadable'

    # Random mutations from the seed.
    foreach ($n in 1..$randomCount) {
        $file = if ($random.Next(2) -eq 0) { 'flake.nix' } else { 'flake.lock' }
        $bytes = [Collections.Generic.List[byte]]::new([byte[]]$(if ($file -eq 'flake.nix') { $nix } else { $lock }))
        $kind = $random.Next(5)
        $what = switch ($kind) {
            0 { $count = $random.Next(1, 6); foreach ($k in 1..$count) { $bytes[$random.Next($bytes.Count)] = [byte]$random.Next(256) }; "$count random bytes changed" }
            1 { $at = $random.Next($bytes.Count); $bytes.RemoveRange($at, $bytes.Count - $at); "truncated at $at" }
            2 { $at = $random.Next($bytes.Count); $length = [Math]::Min($random.Next(1, 40), $bytes.Count - $at); $bytes.RemoveRange($at, $length); "$length bytes removed at $at" }
            3 { $at = $random.Next($bytes.Count); $char = [byte[]]@(34, 123, 125, 59, 91, 93, 61, 36, 92, 10)[$random.Next(10)]; $bytes.Insert($at, $char[0]); "byte $($char[0]) inserted at $at" }
            4 { $at = $random.Next($bytes.Count); $length = [Math]::Min($random.Next(1, 80), $bytes.Count - $at); $bytes.InsertRange($at, $bytes.GetRange($at, $length)); "$length bytes repeated at $at" }
        }
        Add-Case "random $n/$randomCount (seed $seed): $file $what" $file $bytes.ToArray()
    }
    # Crashes in lock parsing that issue 15 item 5 fixed (duplicate key, follows holding a number or
    # a list, lastModified out of range, follows cycle) ran here as pending until the fix landed.
    # A case listed here is shown as skipped with the reason, never left out. Empty: all are fixed.
    $pendingLockParsing = @()
    foreach ($case in $cases) { $case.Pending = $case.Name -in $pendingLockParsing }

    # FLAKETOOLS_FUZZ_ONLY: a regex on case names, to rerun the cases of one finding.
    if ($env:FLAKETOOLS_FUZZ_ONLY) { $cases = @($cases | Where-Object { $_.Name -match $env:FLAKETOOLS_FUZZ_ONLY }) }
}

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    $modulePath = (Resolve-Path "$PSScriptRoot/../FlakeTools.psd1").Path
    $example = (Resolve-Path "$PSScriptRoot/../examples/desktop").Path
    $originalLock = Join-Path $TestDrive 'original.lock'
    Copy-Item -LiteralPath (Join-Path $example 'flake.lock') -Destination $originalLock
    $hasNixParser = [bool](Get-Command nix-instantiate -ErrorAction Ignore)
    # The undamaged files, written with .NET (Copy-Item per file and step was a tenth of the run time).
    $exampleBytes = @{ 'flake.nix' = [IO.File]::ReadAllBytes((Join-Path $example 'flake.nix')); 'flake.lock' = [IO.File]::ReadAllBytes((Join-Path $example 'flake.lock')) }

    # Update-FlakeInput's nix: succeeds without touching the lock, or fails, by FAKE_NIX_MODE.
    $fakeBin = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'fake-nix-bin')
    Set-Content -LiteralPath (Join-Path $fakeBin 'nix') -Value @'
#!/bin/sh
if [ "$1" = "--version" ]; then echo "nix (Nix) 2.8.0"; exit 0; fi
if [ "$FAKE_NIX_MODE" = "fail" ]; then echo "error: fake nix failure" >&2; exit 1; fi
exit 0
'@
    chmod +x (Join-Path $fakeBin 'nix')
    $savedPath = $env:PATH
    $savedNixConfig = $env:NIX_CONFIG
    $env:PATH = "$fakeBin$([IO.Path]::PathSeparator)$env:PATH"
    $env:NIX_CONFIG = 'experimental-features = nix-command flakes'

    # Every cmdlet of the manifest; the known ones with the arguments that exercise them, any
    # other (added later) with -LiteralPath and its mandatory string parameters filled in.
    $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../FlakeTools.psd1')
    $known = @{
        'Get-FlakeInput'      = @{}
        'Add-FlakeInput'      = @{ Name = 'added'; Url = 'github:owner/added' }
        'Set-FlakeInput'      = @{ Name = 'hyprland'; Ref = 'v0.42.0' }
        'Remove-FlakeInput'   = @{ Name = 'waybar' }
        'Update-FlakeInput'   = @{ Name = 'hyprland'; Ref = 'v0.42.0' }
        'Optimize-FlakeInput' = @{}
        'Get-FlakeLock'       = @{}
        'Get-FlakeLockEntry'  = @{ Recurse = $true }
        'Compare-FlakeLock'   = @{ ReferencePath = $originalLock; DifferencePath = '<lock>' }
        'Test-FlakeLock'      = @{ MaxAge = [timespan]::FromDays(30) }
        'Test-Flake'          = @{ Fix = $true }
        'Set-NixUnfreeConfig' = @{ AllowUnfree = $true }
    }
    $script:plan = foreach ($name in $manifest.CmdletsToExport) {
        $command = Get-Command -Module FlakeTools -Name $name
        $parameters = if ($known.ContainsKey($name)) { $known[$name].Clone() } else {
            $generic = @{}
            foreach ($p in $command.ParameterSets[0].Parameters | Where-Object { $_.IsMandatory -and $_.ParameterType -in [string], [string[]] }) { $generic[$p.Name] = 'nixpkgs' }
            $generic
        }
        $usesPath = $command.Parameters.ContainsKey('LiteralPath') -and -not $parameters.ContainsKey('ReferencePath')
        $modes = if ($command.Parameters.ContainsKey('WhatIf')) { 'WhatIf', 'Real' } else { , 'Real' }
        foreach ($mode in $modes) { [pscustomobject]@{ Name = $name; Parameters = $parameters; UsesPath = $usesPath; Mode = $mode } }
    }

    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    $setup = [powershell]::Create(); $setup.Runspace = $runspace
    $null = $setup.AddScript("Import-Module '$modulePath'").Invoke(); $setup.Dispose()
    $invoker = {
        param($Command, $Parameters)
        $errors = $null
        try {
            $count = @(& $Command @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors -WarningAction SilentlyContinue -InformationAction Ignore).Count
            [pscustomobject]@{ Output = $count; Errors = @($errors); Terminating = $null }
        }
        catch {
            [pscustomobject]@{ Output = 0; Errors = @($errors); Terminating = $_ }
        }
    }.ToString()

    $script:invocations = 0
    $script:caseCount = 0
    $script:counter = 0

    function New-CaseDirectory($Case) {
        $directory = [IO.Directory]::CreateDirectory((Join-Path $TestDrive "case-$(($script:counter++))")).FullName
        foreach ($file in 'flake.nix', 'flake.lock') {
            $path = Join-Path $directory $file
            if ($file -ne $Case.File) { [IO.File]::WriteAllBytes($path, $exampleBytes[$file]); continue }
            switch ($Case.Special) {
                'Directory' { $null = New-Item -ItemType Directory -Path $path }
                'Fifo' { mkfifo $path }
                'DanglingLink' { $null = New-Item -ItemType SymbolicLink -Path $path -Target (Join-Path $directory 'missing.nix') }
                'Unreadable' { [IO.File]::WriteAllBytes($path, $Case.Content); chmod 000 $path }
                default { [IO.File]::WriteAllBytes($path, $Case.Content) }
            }
        }
        $directory
    }

    # What a file is now: its bytes' hash, or what else it is. .NET, not Get-Item and Get-FileHash:
    # this runs four times a step.
    function Get-FileState([string] $Path, [bool] $MaybeFifo) {
        $item = [IO.FileInfo]::new($Path)
        if (-not $item.Exists -and -not [IO.Directory]::Exists($Path) -and $null -eq $item.LinkTarget) { return 'missing' }
        if ($item.LinkTarget) { return "link:$($item.LinkTarget)" }
        if ([IO.Directory]::Exists($Path)) { return 'directory' }
        # .NET cannot tell a FIFO from a file (and hashing one blocks): ask test(1), for the damaged
        # file of the FIFO cases only (a process each time).
        if ($MaybeFifo) { & test -p $Path; if ($LASTEXITCODE -eq 0) { return 'fifo' } }
        try { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($Path))) }
        catch [UnauthorizedAccessException] { "unreadable:$($item.Length):$($item.LastWriteTimeUtc.Ticks)" }
    }

    function Test-ErrorRecord($Record, [string] $Command) {
        # -ErrorVariable holds the exception (with its record) for a terminating error.
        if ($Record -is [System.Management.Automation.IContainsErrorRecord]) { $Record = $Record.ErrorRecord }
        if ($Record -isnot [System.Management.Automation.ErrorRecord]) { return "not an error record: $($Record.GetType().FullName): $Record" }
        $id = $Record.FullyQualifiedErrorId
        $commandType = "FlakeTools.Commands.$($Command -replace '-', '')Command"
        if ($id -notmatch "^([A-Za-z][A-Za-z0-9]*),$([regex]::Escape($commandType))$") { return "an error without a cmdlet-specific id: $id ($($Record.Exception.GetType().FullName): $($Record.Exception.Message))" }
        if ($Matches[1] -match 'Exception$') { return "an unhandled exception: $id ($($Record.Exception.Message))" }
        if ($null -eq $Record.TargetObject -or "$($Record.TargetObject)" -eq '') { return "error $id has no target ($($Record.Exception.Message))" }
        if ($Record.Exception -is [System.Management.Automation.CmdletInvocationException]) { return "error $id wraps an exception: $($Record.Exception.InnerException)" }
        $null
    }

    function Invoke-Case($Case) {
        $violations = [Collections.Generic.List[string]]::new()
        $written = [Collections.Generic.List[object]]::new()
        $index = 0
        foreach ($step in $script:plan) {
            $directory = New-CaseDirectory $Case
            $parameters = $step.Parameters.Clone()
            if ($step.UsesPath) { $parameters['LiteralPath'] = $directory }
            if ($parameters['DifferencePath'] -eq '<lock>') { $parameters['DifferencePath'] = Join-Path $directory 'flake.lock' }
            if ($step.Mode -eq 'WhatIf') { $parameters['WhatIf'] = $true }
            $env:FAKE_NIX_MODE = if (($index++) % 2 -eq 0) { 'ok' } else { 'fail' }
            $label = "$($step.Name) $($step.Mode)$(if ($step.Name -eq 'Update-FlakeInput') { " (nix $env:FAKE_NIX_MODE)" })"
            $fifo = $Case.Special -eq 'Fifo'
            # The damaged file is the only one that can be a FIFO, and it is one before the step.
            $before = @{ nix = Get-FileState (Join-Path $directory 'flake.nix') ($fifo -and $Case.File -eq 'flake.nix'); lock = Get-FileState (Join-Path $directory 'flake.lock') ($fifo -and $Case.File -eq 'flake.lock') }

            $ps = [powershell]::Create(); $ps.Runspace = $runspace
            $null = $ps.AddScript($invoker).AddArgument($step.Name).AddArgument($parameters)
            $async = $ps.BeginInvoke()
            $script:invocations++
            if (-not $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60))) {
                $violations.Add("${label}: still running after 60 s (stopped)")
                $ps.Stop(); $ps.Dispose()
                continue
            }
            $result = $null
            try { $result = $ps.EndInvoke($async) | Select-Object -Last 1 }
            catch { $violations.Add("${label}: the invocation itself failed: $($_.Exception.InnerException ?? $_.Exception)") }
            $ps.Dispose()
            if ($null -eq $result) { continue }

            $records = @($result.Errors) + @($result.Terminating | Where-Object { $_ })
            foreach ($record in $records | Select-Object -Unique) {
                if ($problem = Test-ErrorRecord $record $step.Name) { $violations.Add("${label}: $problem") }
            }
            $after = @{ nix = Get-FileState (Join-Path $directory 'flake.nix') ($fifo -and $Case.File -eq 'flake.nix'); lock = Get-FileState (Join-Path $directory 'flake.lock') ($fifo -and $Case.File -eq 'flake.lock') }
            $changed = @('nix', 'lock' | Where-Object { $before[$_] -ne $after[$_] })
            if ($changed -and ($step.Mode -eq 'WhatIf')) { $violations.Add("${label}: -WhatIf changed $($changed -join ', ')") }
            elseif ($changed -and $records.Count -gt 0) { $violations.Add("${label}: failed ($($records[0].FullyQualifiedErrorId)) but changed $($changed -join ', ')") }
            elseif ($changed -contains 'nix') {
                $nixFile = Join-Path $directory 'flake.nix'
                # Checked with Nix's parser after the last step: one nix-instantiate for the case.
                if ($hasNixParser) { $written.Add([pscustomobject]@{ Label = $label; File = $nixFile }) }
                else {
                    $null = Get-FlakeInput -LiteralPath $directory -ErrorAction SilentlyContinue -ErrorVariable parseErrors
                    if ($parseErrors) { $violations.Add("${label}: wrote a flake.nix that does not parse: $($parseErrors[0])") }
                }
            }
            if ($changed -contains 'lock' -and $after.lock -notin 'missing') {
                try { $null = Get-Content -LiteralPath (Join-Path $directory 'flake.lock') -Raw | ConvertFrom-Json -AsHashtable }
                catch { $violations.Add("${label}: wrote a flake.lock that is not JSON") }
            }
            # (.NET lists hidden files too.)
            $leftovers = @([IO.Directory]::GetFiles($directory, '*.flaketools-*.tmp') | ForEach-Object { [IO.Path]::GetFileName($_) })
            if ($leftovers) { $violations.Add("${label}: left $($leftovers -join ', ')") }
        }
        # Every flake.nix a step wrote, through Nix's own parser: one process for all of them (it
        # stops at the first file it refuses; then each is checked on its own, to name the step).
        if ($written.Count -gt 0) {
            $null = & nix-instantiate --parse @($written.File) 2>&1
            if ($LASTEXITCODE -ne 0) {
                foreach ($write in $written) {
                    $parse = & nix-instantiate --parse $write.File 2>&1
                    if ($LASTEXITCODE -eq 0) { continue }
                    $why = ($parse | Where-Object { "$_" -match '^error:' } | Select-Object -First 1) -replace '^error:\s*', ''
                    # Was the file Nix's parser refuses already so before the write?
                    $original = Join-Path $TestDrive 'original-check.nix'
                    [IO.File]::WriteAllBytes($original, $Case.Content)
                    $null = & nix-instantiate --parse $original 2>&1
                    $kind = if ($Case.File -eq 'flake.nix' -and -not $Case.Special -and $LASTEXITCODE -ne 0) { 'ALREADY-REFUSED' } else { 'NEW' }
                    $violations.Add("$($write.Label): wrote a flake.nix that nix-instantiate --parse refuses ($why) [$kind]")
                }
            }
        }
        $script:caseCount++
        @($violations | Select-Object -Unique)
    }
}

AfterAll {
    Write-Host "robustness: $script:caseCount cases, $script:invocations cmdlet invocations (FLAKETOOLS_FUZZ_CASES=$($env:FLAKETOOLS_FUZZ_CASES ?? 'default'))"
    $runspace.Dispose()
    $env:PATH = $savedPath
    $env:NIX_CONFIG = $savedNixConfig
    Remove-Item Env:FAKE_NIX_MODE -ErrorAction Ignore
}

Describe 'Every cmdlet on damaged files' {
    It '<Name>' -ForEach @($cases | Where-Object { $_.Pending }) -Skip {
        # Skipped: PENDING, a lock-parsing crash fixed by issue 15 item 5 (branch h-locks), not yet on main.
    }

    It '<Name>' -ForEach @($cases | Where-Object { -not $_.Pending }) {
        $violations = Invoke-Case $_
        # A flake.nix Nix already refused before the edit, which FlakeTools' parser accepts (an
        # undefined variable, say): the scope checks Nix makes at parse time are not in the
        # product yet (issue 13, "checks Nix makes at parse time"). Shown as skipped, with why.
        $other = @($violations | Where-Object { $_ -notmatch '\[ALREADY-REFUSED\]$' })
        if ($violations.Count -gt 0 -and $other.Count -eq 0) {
            Set-ItResult -Skipped -Because "PENDING (parser, issue 13 parse-time checks): FlakeTools edits a flake.nix that Nix's parser refuses before and after: $($violations[0])"
            return
        }
        $violations | Should -BeNullOrEmpty
    }
}

Describe 'Findings of the robustness suite' {
    BeforeAll { $damaged = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'findings') }

    It 'Compare-FlakeLock names the lock it could not read as the error''s target' {
        $bad = Join-Path $damaged 'bad.lock'
        Set-Content -LiteralPath $bad -Value '{ "nodes": ' -NoNewline
        Compare-FlakeLock -ReferencePath $originalLock -DifferencePath $bad -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('LockParseError,FlakeTools.Commands.CompareFlakeLockCommand')
        $err[0].TargetObject | Should -Be $bad

        [IO.File]::WriteAllBytes($bad, [byte[]](0x7B, 0xFF, 0x7D))
        Compare-FlakeLock -ReferencePath $bad -DifferencePath $originalLock -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('LockNotUtf8,FlakeTools.Commands.CompareFlakeLockCommand')
        $err[0].TargetObject | Should -Be $bad
    }
}
