#requires -Version 7.4
# Runs the Pester suite against the built module (./bin, laid out by `dotnet build`) and prints
# one line for tests/run-all.sh: "pester: N passed, N failed, N skipped".
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.0
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration
"pester: $($result.PassedCount) passed, $($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) failed, $($result.SkippedCount) skipped"
exit ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
