# Shared helpers for the Pester suite.

function Get-RepositoryRoot {
    Split-Path -Parent $PSScriptRoot
}

function Get-SharedFixtures {
    $shared = Join-Path (Split-Path -Parent (Get-RepositoryRoot)) 'shared/fixtures'
    if (-not (Test-Path $shared)) { throw "The shared fixtures are not beside the repository ($shared)." }
    $shared
}

<#
.SYNOPSIS
    Copies a flake into TestDrive and returns its directory: 'hostname' or 'kahless' from the
    shared real-world fixtures, 'desktop' from examples/.
#>
function New-TestFlake {
    param(
        [Parameter(Mandatory)] [ValidateSet('hostname', 'kahless', 'desktop')] [string] $Name,
        [string] $Destination = (Join-Path $TestDrive $Name)
    )
    $source = if ($Name -eq 'desktop') { Join-Path (Get-RepositoryRoot) 'examples/desktop' } else { Join-Path (Get-SharedFixtures) $Name }
    $null = New-Item -ItemType Directory -Force -Path $Destination
    Get-ChildItem -LiteralPath $source -Force | Copy-Item -Destination $Destination -Recurse -Force
    # The shared fixtures are read-only; the copies must be writable.
    Get-ChildItem -LiteralPath $Destination -Recurse -File | ForEach-Object { $_.Attributes = 'Normal'; chmod u+w $_.FullName }
    $Destination
}

function Get-FileBytesHash {
    param([Parameter(Mandatory)] [string] $Path)
    (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash
}

Export-ModuleMember -Function Get-RepositoryRoot, Get-SharedFixtures, New-TestFlake, Get-FileBytesHash
