# Update-FlakeInput puts flake.nix and flake.lock back on every way out: nix fails, the pipeline is
# stopped while nix runs (PowerShell.Stop(), which Ctrl+C and Stop-Job also call), or no lock
# existed before. A fake `nix` first on PATH makes the timing deterministic: it writes half a lock
# (as a nix killed mid-write leaves it) and then hangs or fails. It never touches the network.
BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    $modulePath = (Resolve-Path "$PSScriptRoot/../FlakeTools.psd1").Path

    # A flake whose only input is a git+file: repository; with or without a lock.
    function New-StopFlake([string] $Name, [switch] $NoLock) {
        $directory = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive $Name)
        Set-Content -LiteralPath (Join-Path $directory 'flake.nix') -NoNewline -Value "{`n  inputs.dep.url = `"git+file:///srv/dep`";`n  outputs = { self, dep }: { };`n}`n"
        if (-not $NoLock) {
            Set-Content -LiteralPath (Join-Path $directory 'flake.lock') -NoNewline -Value '{"nodes":{"root":{}},"root":"root","version":7}'
        }
        $directory.FullName
    }

    function Get-Bytes([string] $Path) { if (Test-Path -LiteralPath $Path) { [IO.File]::ReadAllBytes($Path) } else { $null } }

    $fakeBin = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'fake-nix-bin')
    $fakeNix = Join-Path $fakeBin 'nix'
    Set-Content -LiteralPath $fakeNix -Value @'
#!/bin/sh
if [ "$1" = "--version" ]; then echo "nix (Nix) 2.8.0"; exit 0; fi
echo $$ > "$FAKE_NIX_STATE/pid"
printf '%s\n' "$@" > "$FAKE_NIX_STATE/arguments"
# Half a lock, as nix leaves it when it is killed while writing (it runs in the flake's folder).
printf '{\n  "nodes": {\n    "dep": {' > flake.lock
case "$FAKE_NIX_MODE" in
  hang) touch "$FAKE_NIX_STATE/started"; exec sleep 300 ;;
  editor) printf '{ edited-by-someone-else = true; }\n' > flake.nix; echo "error: fake failure after an editor saved flake.nix" >&2; exit 1 ;;
  *) echo "error: fake failure" >&2; exit 1 ;;
esac
'@
    chmod +x $fakeNix
    $savedPath = $env:PATH
    $env:PATH = "$fakeBin$([IO.Path]::PathSeparator)$env:PATH"
    $env:NIX_CONFIG = "experimental-features = nix-command flakes"
    $env:FAKE_NIX_STATE = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'fake-nix-state')).FullName

    # Runs Update-FlakeInput -Ref in its own runspace, stops it once nix has started, and returns
    # the PowerShell instance (stopped) and the nix pid.
    function Invoke-StoppedUpdate([string] $Flake) {
        Remove-Item -Path (Join-Path $env:FAKE_NIX_STATE '*') -Force -ErrorAction Ignore
        $env:FAKE_NIX_MODE = 'hang'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$modulePath'; Update-FlakeInput -LiteralPath '$Flake' dep -Ref v2")
        $async = $ps.BeginInvoke()
        $started = Join-Path $env:FAKE_NIX_STATE 'started'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (Test-Path -LiteralPath $started) -and $clock.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 50 }
        if (-not (Test-Path -LiteralPath $started)) { throw "the fake nix did not start: $($ps.Streams.Error)" }
        # nix is running and has written half a lock; flake.nix holds the -Ref edit.
        (Get-Content -LiteralPath (Join-Path $Flake 'flake.nix') -Raw) | Should -Match 'ref=v2'
        $ps.Stop()
        $failure = $null
        try { $null = $ps.EndInvoke($async) } catch { $failure = $_.Exception }
        [pscustomobject]@{ PowerShell = $ps; Failure = $failure; NixPid = [int](Get-Content -LiteralPath (Join-Path $env:FAKE_NIX_STATE 'pid')) }
    }
}

AfterAll {
    $env:PATH = $savedPath
    Remove-Item Env:FAKE_NIX_STATE, Env:FAKE_NIX_MODE -ErrorAction Ignore
}

Describe 'Update-FlakeInput stopped while nix runs' {
    It 'kills nix, puts flake.nix and flake.lock back byte for byte, and ends with PipelineStoppedException' {
        $flake = New-StopFlake stop-with-lock
        $nixBefore = Get-Bytes (Join-Path $flake 'flake.nix')
        $lockBefore = Get-Bytes (Join-Path $flake 'flake.lock')
        $run = Invoke-StoppedUpdate $flake
        $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $run.Failure.InnerException ?? $run.Failure | Should -BeOfType ([System.Management.Automation.PipelineStoppedException])
        $run.PowerShell.Streams.Error | Should -BeNullOrEmpty
        Get-Process -Id $run.NixPid -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-Bytes (Join-Path $flake 'flake.nix') | Should -Be $nixBefore
        Get-Bytes (Join-Path $flake 'flake.lock') | Should -Be $lockBefore
        @(Get-ChildItem -LiteralPath $flake -Force).Name | Sort-Object | Should -Be @('flake.lock', 'flake.nix')
        $run.PowerShell.Dispose()
    }

    It 'removes the lock nix wrote when there was none before' {
        $flake = New-StopFlake stop-without-lock -NoLock
        $nixBefore = Get-Bytes (Join-Path $flake 'flake.nix')
        $run = Invoke-StoppedUpdate $flake
        $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        Get-Process -Id $run.NixPid -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-Bytes (Join-Path $flake 'flake.nix') | Should -Be $nixBefore
        Join-Path $flake 'flake.lock' | Should -Not -Exist
        $run.PowerShell.Dispose()
    }

    It 'stops through Stop-Job too (a thread job), with the same result' {
        $flake = New-StopFlake stop-job
        $nixBefore = Get-Bytes (Join-Path $flake 'flake.nix')
        $lockBefore = Get-Bytes (Join-Path $flake 'flake.lock')
        Remove-Item -Path (Join-Path $env:FAKE_NIX_STATE '*') -Force -ErrorAction Ignore
        $env:FAKE_NIX_MODE = 'hang'
        $job = Start-ThreadJob -ScriptBlock { Import-Module $using:modulePath; Update-FlakeInput -LiteralPath $using:flake dep -Ref v2 }
        $started = Join-Path $env:FAKE_NIX_STATE 'started'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (Test-Path -LiteralPath $started) -and $clock.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 50 }
        $started | Should -Exist
        $job | Stop-Job
        $job.State | Should -Be 'Stopped'
        Get-Process -Id ([int](Get-Content (Join-Path $env:FAKE_NIX_STATE 'pid'))) -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-Bytes (Join-Path $flake 'flake.nix') | Should -Be $nixBefore
        Get-Bytes (Join-Path $flake 'flake.lock') | Should -Be $lockBefore
        $job | Remove-Job
    }
}

Describe 'Update-FlakeInput when nix fails' {
    BeforeEach { Remove-Item -Path (Join-Path $env:FAKE_NIX_STATE '*') -Force -ErrorAction Ignore }

    It 'puts back flake.nix and the half-written lock' {
        $env:FAKE_NIX_MODE = 'fail'
        $flake = New-StopFlake fail-with-lock
        $nixBefore = Get-Bytes (Join-Path $flake 'flake.nix')
        $lockBefore = Get-Bytes (Join-Path $flake 'flake.lock')
        Update-FlakeInput -LiteralPath $flake dep -Ref v2 -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('NixFailed,FlakeTools.Commands.UpdateFlakeInputCommand')
        $err[0].ErrorDetails.Message | Should -Match 'fake failure'
        $err[0].ErrorDetails.Message | Should -Match 'left as they were'
        Get-Bytes (Join-Path $flake 'flake.nix') | Should -Be $nixBefore
        Get-Bytes (Join-Path $flake 'flake.lock') | Should -Be $lockBefore
    }

    It 'removes the lock when there was none before' {
        $env:FAKE_NIX_MODE = 'fail'
        $flake = New-StopFlake fail-without-lock -NoLock
        $nixBefore = Get-Bytes (Join-Path $flake 'flake.nix')
        Update-FlakeInput -LiteralPath $flake dep -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('NixFailed,FlakeTools.Commands.UpdateFlakeInputCommand')
        Get-Bytes (Join-Path $flake 'flake.nix') | Should -Be $nixBefore
        Join-Path $flake 'flake.lock' | Should -Not -Exist
    }

    It 'leaves a flake.nix someone else changed meanwhile alone, and says so' {
        $env:FAKE_NIX_MODE = 'editor'
        $flake = New-StopFlake fail-after-editor
        $lockBefore = Get-Bytes (Join-Path $flake 'flake.lock')
        Update-FlakeInput -LiteralPath $flake dep -Ref v2 -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('RestoreSkipped,FlakeTools.Commands.UpdateFlakeInputCommand', 'NixFailed,FlakeTools.Commands.UpdateFlakeInputCommand')
        $err[0].TargetObject | Should -Be (Join-Path $flake 'flake.nix')
        $err[0].Exception.Message | Should -Match 'changed by someone else while nix ran'
        Get-Content -LiteralPath (Join-Path $flake 'flake.nix') -Raw | Should -Be "{ edited-by-someone-else = true; }`n"
        Get-Bytes (Join-Path $flake 'flake.lock') | Should -Be $lockBefore
    }

    It 'runs nothing when flake.nix changed after it was read (no lost update)' {
        $env:FAKE_NIX_MODE = 'fail'
        $flake = New-StopFlake lost-update
        $nixPath = Join-Path $flake 'flake.nix'
        # Update-FlakeInput reads the flake when the object arrives and runs nix at the end of the pipeline.
        Get-FlakeInput -LiteralPath $flake dep | ForEach-Object { $_; Add-Content -LiteralPath $nixPath '# saved by an editor' } |
            Update-FlakeInput -Ref v2 -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('FileChangedSinceRead,FlakeTools.Commands.UpdateFlakeInputCommand')
        $err[0].TargetObject | Should -Be $nixPath
        $err[0].Exception.Message | Should -Match 'nothing was written'
        Join-Path $env:FAKE_NIX_STATE 'pid' | Should -Not -Exist
        Get-Content -LiteralPath $nixPath -Raw | Should -Match 'saved by an editor' -Because 'the edit of the other writer stays'
        Get-Content -LiteralPath $nixPath -Raw | Should -Not -Match 'ref=v2'
    }
}

Describe 'Update-FlakeInput restore with the real nix' {
    BeforeAll {
        $env:PATH = $savedPath
        $realNix = [bool](Get-Command nix -ErrorAction Ignore)
        if ($realNix) { $null = Initialize-Nix }
    }
    AfterAll { $env:PATH = "$fakeBin$([IO.Path]::PathSeparator)$savedPath" }

    It 'leaves no lock behind when there was none and nix fails' -Skip:(-not (Get-Command nix -ErrorAction Ignore)) {
        $root = New-NixScenario
        Remove-Item -LiteralPath (Join-Path $root 'flake.lock')
        $nixBefore = Get-Bytes (Join-Path $root 'flake.nix')
        Update-FlakeInput -LiteralPath $root dep -Ref no-such-branch -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be @('NixFailed,FlakeTools.Commands.UpdateFlakeInputCommand')
        Get-Bytes (Join-Path $root 'flake.nix') | Should -Be $nixBefore
        Join-Path $root 'flake.lock' | Should -Not -Exist
    }
}
