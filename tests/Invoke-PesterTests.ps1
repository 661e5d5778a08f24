#requires -Version 7.4
# Runs the Pester suite against the built module (./bin, laid out by `dotnet build`) and prints
# one line for tests/run-all.sh: "pester: N passed, N failed, N skipped".
# It imports exactly the Pester the project pins (tests/tools/TestTools.proj restores it into
# .tools/), whatever other Pester the machine has.
param(
    [string] $PesterModule
)
$ErrorActionPreference = 'Stop'
if (-not $PesterModule) {
    $version = ([xml](Get-Content -Raw (Join-Path $PSScriptRoot 'tools/TestTools.proj'))).Project.PropertyGroup.PesterVersion
    $PesterModule = Join-Path $PSScriptRoot "../.tools/packages/pester/$version/tools/Pester.psd1"
}
if (-not (Test-Path -LiteralPath $PesterModule)) {
    throw "Pester is not restored at ${PesterModule}: run 'dotnet restore tests/tools/TestTools.proj' (tests/run-all.sh does)."
}
Get-Module Pester | Remove-Module -Force
Import-Module -Name (Resolve-Path -LiteralPath $PesterModule).Path -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration
"pester $((Get-Module Pester).Version) on pwsh $($PSVersionTable.PSVersion)"
"pester: $($result.PassedCount) passed, $($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) failed, $($result.SkippedCount) skipped"
exit ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
