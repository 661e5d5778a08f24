#requires -Version 7.4
<#
.SYNOPSIS
    The module's start-up and steady state, as a user at a prompt meets them (issue 12, section 4).
.DESCRIPTION
    Cold, each in a fresh `pwsh -NoProfile` and compared with bare `pwsh -NoProfile -c 1`:
      import        Import-Module FlakeTools
      import+first  Import-Module, then the first Get-FlakeInput on a 30-input flake
    and, inside such processes, the CPU time and JIT-compiled methods of each of the two steps.
    Warm, in one process after a warm-up (median of -Iterations calls):
      Get-FlakeInput                  on a flake with a 200-node lock
      Get-FlakeLockEntry -Recurse     on the same lock

    The 30-input flake and its lock are generated. The 200-node lock is generated too, unless
    -ConfigPath names a real configuration folder (a flake.nix with its flake.lock), which is
    read where it is and never copied. Uses hyperfine when it is installed, else a loop.
    Targets: import+first no more than 150 ms over bare pwsh; each steady-state call under 5 ms.
.EXAMPLE
    pwsh -NoProfile -File bench/startup.ps1
.EXAMPLE
    pwsh -NoProfile -File bench/startup.ps1 -ConfigPath /work/corpus/configs/NotAShelf__nyx -Module out/FlakeTools/0.1.0/FlakeTools.psd1
#>
[CmdletBinding()]
param(
    # The module to measure: the built one beside the repository's manifest by default; give a
    # packaged one (out/FlakeTools/<version>/FlakeTools.psd1) to measure ReadyToRun.
    [string] $Module = (Join-Path (Split-Path -Parent $PSScriptRoot) 'FlakeTools.psd1'),
    # A real configuration folder for the steady-state figures (flake.nix and flake.lock).
    [string] $ConfigPath,
    [int] $Runs = 20,
    [int] $Iterations = 200
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Module = (Resolve-Path $Module).Path
# The pwsh a user types (a dotnet tool's launcher here), not the dotnet host this runs in.
$pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
if (-not $pwsh) { $pwsh = [Environment]::ProcessPath }
$work = Join-Path ([IO.Path]::GetTempPath()) "flaketools-startup-$PID"
$null = New-Item -ItemType Directory -Force -Path $work

function New-SyntheticFlake {
    <# A flake.nix with $Inputs github inputs (every third with a follows) and a lock of $NodeCount nodes. #>
    param([string] $Directory, [int] $Inputs, [int] $NodeCount)
    $null = New-Item -ItemType Directory -Force -Path $Directory
    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add('{')
    $lines.Add('  inputs = {')
    for ($i = 0; $i -lt $Inputs; $i++) {
        $lines.Add("    input$i.url = `"github:owner$i/repo$i/v1.$i`";")
        if ($i % 3 -eq 1) { $lines.Add("    input$i.inputs.nixpkgs.follows = `"input0`";") }
    }
    $lines.Add('  };')
    $lines.Add('  outputs = { self, ... }@inputs: { };')
    $lines.Add('}')
    Set-Content -LiteralPath (Join-Path $Directory 'flake.nix') -Value $lines
    # Nodes: the root inputs, then inputs of inputs spread over them until there are $NodeCount.
    $nodes = [ordered]@{}
    $rootInputs = [ordered]@{}
    $lock = { param($key, $i) [ordered]@{
            locked   = [ordered]@{ lastModified = 1700000000 + $i * 1000; narHash = "sha256-$('{0:d43}' -f $i)="; owner = "owner$i"; repo = "repo$i"; rev = ('{0:x40}' -f $i); type = 'github' }
            original = [ordered]@{ owner = "owner$i"; repo = "repo$i"; type = 'github' }
        } }
    for ($i = 0; $i -lt $Inputs; $i++) { $rootInputs["input$i"] = "input$i"; $nodes["input$i"] = & $lock "input$i" $i }
    $next = $Inputs
    $parent = 0
    while ($nodes.Count -lt $NodeCount - 1) {
        $key = "dep$next"
        $nodes[$key] = & $lock $key $next
        $owner = $nodes["input$($parent % $Inputs)"]
        if (-not $owner.Contains('inputs')) { $owner['inputs'] = [ordered]@{} }
        $owner['inputs']["dep$next"] = $key
        if ($parent % 3 -eq 1) { $owner['inputs']['nixpkgs'] = @('input0') }
        $next++; $parent++
    }
    $nodes['root'] = [ordered]@{ inputs = $rootInputs }
    [ordered]@{ nodes = $nodes; root = 'root'; version = 7 } | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $Directory 'flake.lock')
    $Directory
}

function Measure-Command-Cold {
    <# Mean and standard deviation, in ms, of whole pwsh processes. #>
    param([string] $Name, [string] $Command)
    $hyperfine = Get-Command hyperfine -ErrorAction Ignore
    if ($hyperfine) {
        $json = Join-Path $work "$Name.json"
        & $hyperfine.Source --style basic --warmup 3 --runs $Runs --export-json $json "$pwsh -NoProfile -NonInteractive -Command `"$Command`"" | Out-Null
        $result = (Get-Content -Raw $json | ConvertFrom-Json).results[0]
        [pscustomobject]@{ Name = $Name; MeanMs = [math]::Round($result.mean * 1000, 1); StdDevMs = [math]::Round($result.stddev * 1000, 1); MedianMs = [math]::Round($result.median * 1000, 1); CpuMs = [math]::Round(($result.user + $result.system) * 1000, 1) }
    }
    else {
        $times = for ($i = 0; $i -lt $Runs + 3; $i++) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            & $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
            if ($i -ge 3) { $watch.Elapsed.TotalMilliseconds }
        }
        $stats = $times | Measure-Object -Average -StandardDeviation
        $median = ($times | Sort-Object)[[int]($times.Count / 2)]
        [pscustomobject]@{ Name = $Name; MeanMs = [math]::Round($stats.Average, 1); StdDevMs = [math]::Round($stats.StandardDeviation, 1); MedianMs = [math]::Round($median, 1); CpuMs = $null }
    }
}

try {
    $small = New-SyntheticFlake -Directory (Join-Path $work 'inputs30') -Inputs 30 -NodeCount 31
    $large = if ($ConfigPath) { (Resolve-Path $ConfigPath).Path } else { New-SyntheticFlake -Directory (Join-Path $work 'nodes200') -Inputs 30 -NodeCount 201 }

    $cold = @(
        Measure-Command-Cold 'bare' '1'
        Measure-Command-Cold 'import' "Import-Module '$Module'"
        Measure-Command-Cold 'import+first' "Import-Module '$Module'; Get-FlakeInput -Path '$small' | Out-Null"
    )
    $bare = $cold[0].MeanMs
    $bareCpu = $cold[0].CpuMs
    # On a busy machine wall time mostly measures the neighbours; CPU time (user + system, from
    # hyperfine) is the steadier figure to compare.
    $cold | Select-Object Name, MeanMs, StdDevMs, MedianMs, @{ n = 'OverBareMs'; e = { [math]::Round($_.MeanMs - $bare, 1) } }, CpuMs, @{ n = 'CpuOverBareMs'; e = { if ($null -ne $_.CpuMs) { [math]::Round($_.CpuMs - $bareCpu, 1) } } } | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    # Inside fresh processes: CPU time and methods the JIT compiled for the import and for the
    # first call, medians of -Runs processes. The method counts do not depend on how busy the
    # machine is, and show what ReadyToRun saves (or, when the counts do not drop, that the
    # runtime rejected the native code: it only takes code made for its own major .NET version).
    $probe = {
        param($Module, $Flake)
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $cpu = $process.TotalProcessorTime; $jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        Import-Module $Module
        $process.Refresh(); $importCpu = ($process.TotalProcessorTime - $cpu).TotalMilliseconds; $importJit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jit
        $cpu = $process.TotalProcessorTime; $jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        Get-FlakeInput -Path $Flake | Out-Null
        $process.Refresh()
        "$importCpu $importJit $(($process.TotalProcessorTime - $cpu).TotalMilliseconds) $([System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jit)"
    }
    # Whether the pwsh itself is precompiled: a pwsh installed as a .NET tool (dotnet tool install
    # powershell) ships IL only, so every PowerShell code path the import touches is JIT-compiled,
    # which dominates the import; the official packages are ReadyToRun.
    $precompiled = & $pwsh -NoProfile -NonInteractive -Command '$f = [IO.File]::OpenRead([psobject].Assembly.Location); try { [Reflection.PortableExecutable.PEReader]::new($f).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $f.Dispose() }'
    Write-Host "pwsh $pwsh`: System.Management.Automation is $(if ($precompiled -eq 'True') { 'ReadyToRun' } else { 'IL only (JIT-compiled at run time)' })"
    $samples = for ($i = 0; $i -lt $Runs; $i++) { , [double[]]((& $pwsh -NoProfile -NonInteractive -Command "& { $probe } '$Module' '$small'") -split ' ') }
    $median = { param($index) ($samples | ForEach-Object { $_[$index] } | Sort-Object)[[int]($samples.Count / 2)] }
    [pscustomobject]@{ Step = 'Import-Module'; CpuMs = [math]::Round((& $median 0), 1); JitMethods = & $median 1 },
    [pscustomobject]@{ Step = 'first Get-FlakeInput'; CpuMs = [math]::Round((& $median 2), 1); JitMethods = & $median 3 } | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    # Steady state: one process, warmed up, the median call. Besides wall time (which on a busy
    # machine mostly measures the neighbours), the CPU time of the calling thread for each call
    # (Linux CLOCK_THREAD_CPUTIME_ID: the cmdlet runs on it; other processes do not count) and the
    # bytes it allocates (independent of load).
    $script = {
        param($Module, $Large, $Iterations)
        Import-Module $Module
        $clock = 'FlakeToolsBenchThreadCpu' -as [type]
        if (-not $clock -and $IsLinux) {
            Add-Type -TypeDefinition @'
public static class FlakeToolsBenchThreadCpu
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }
    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
    public static double Milliseconds() { clock_gettime(3, out var t); return t.Seconds * 1e3 + t.Nanoseconds / 1e6; }
}
'@
            $clock = [FlakeToolsBenchThreadCpu]
        }
        function Measure-Median([scriptblock] $Block) {
            for ($i = 0; $i -lt 50; $i++) { $null = & $Block }
            $times = for ($i = 0; $i -lt $Iterations; $i++) {
                $watch = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $watch.Elapsed.TotalMilliseconds
            }
            $sorted = $times | Sort-Object
            $threadCpu = if ($clock) {
                $cpuTimes = for ($i = 0; $i -lt $Iterations; $i++) { $start = $clock::Milliseconds(); $null = & $Block; $clock::Milliseconds() - $start }
                ($cpuTimes | Sort-Object)[[int]($Iterations / 2)]
            }
            $allocated = [GC]::GetAllocatedBytesForCurrentThread()
            for ($i = 0; $i -lt 20; $i++) { $null = & $Block }
            $allocated = ([GC]::GetAllocatedBytesForCurrentThread() - $allocated) / 20
            [pscustomobject]@{ MedianMs = [math]::Round($sorted[[int]($sorted.Count / 2)], 2); P90Ms = [math]::Round($sorted[[int]($sorted.Count * 0.9)], 2); ThreadCpuMedianMs = if ($null -ne $threadCpu) { [math]::Round($threadCpu, 2) }; AllocatedKB = [math]::Round($allocated / 1KB) }
        }
        $nodes = (Get-FlakeLock -Path $Large).Nodes.Count
        $inputs = @(Get-FlakeInput -Path $Large).Count
        $entries = @(Get-FlakeLockEntry -Path $Large -Recurse).Count
        $a = Measure-Median { Get-FlakeInput -Path $Large }
        $b = Measure-Median { Get-FlakeLockEntry -Path $Large -Recurse }
        $a | Add-Member -PassThru -NotePropertyName Name -NotePropertyValue "Get-FlakeInput ($inputs inputs, $nodes-node lock)"
        $b | Add-Member -PassThru -NotePropertyName Name -NotePropertyValue "Get-FlakeLockEntry -Recurse ($entries entries)"

    }
    $steady = & $pwsh -NoProfile -NonInteractive -Command "& { $script } '$Module' '$large' $Iterations | ConvertTo-Json" | ConvertFrom-Json
    $steady | Select-Object Name, MedianMs, P90Ms, ThreadCpuMedianMs, AllocatedKB | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("pwsh {0}, {1} cores, module {2}, large flake {3}, load average {4}" -f $PSVersionTable.PSVersion, [Environment]::ProcessorCount, $Module, $(if ($ConfigPath) { $ConfigPath } else { 'generated' }), $(if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -replace '^(\S+ \S+ \S+).*', '$1' } else { 'unknown' }))
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
