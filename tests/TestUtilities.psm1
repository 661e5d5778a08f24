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

<#
.SYNOPSIS
    Whether nix is installed; when it is, configures it for offline use without a daemon
    (nix-formats.md section 6) for this process and the nix processes it starts.
#>
function Initialize-Nix {
    if (-not (Get-Command nix -ErrorAction Ignore)) { return $false }
    $registry = Join-Path ([IO.Path]::GetTempPath()) 'flaketools-pester-registry.json'
    Set-Content -LiteralPath $registry -Value '{"version":2,"flakes":[]}' -NoNewline
    $env:NIX_CONFIG = "experimental-features = nix-command flakes`nbuild-users-group =`nsandbox = false`nflake-registry = $registry"
    $true
}

# A simple function on purpose: git's own switches (-q, -m) pass through in $args.
function Invoke-Git {
    $Directory, $Arguments = $args
    $output = & git -C $Directory -c user.email=test@example.invalid -c user.name=test @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "git $($Arguments -join ' ') failed: $output" }
    $output
}

<#
.SYNOPSIS
    Local flakes that nix locks offline: a path: "pkgs", a git flake "dep" with its own nixpkgs,
    and "root" with inputs nixpkgs, dep (bringing a duplicate nixpkgs) and dep2 (following nixpkgs).
    Returns the root flake's directory; the others are beside it.
#>
function New-NixScenario {
    param([string] $Destination = (Join-Path $TestDrive "scenario-$([guid]::NewGuid().ToString('N').Substring(0, 8))"))
    $pkgs = New-Item -ItemType Directory -Force -Path (Join-Path $Destination 'pkgs')
    $dep = New-Item -ItemType Directory -Force -Path (Join-Path $Destination 'dep')
    $root = New-Item -ItemType Directory -Force -Path (Join-Path $Destination 'root')
    Set-Content -LiteralPath (Join-Path $pkgs 'flake.nix') -Value "{ outputs = { self }: { }; }"
    Set-Content -LiteralPath (Join-Path $dep 'flake.nix') -Value "{ inputs.nixpkgs.url = `"path:$pkgs`"; outputs = { self, nixpkgs }: { }; }"
    $null = Invoke-Git $dep init -q
    $null = Invoke-Git $dep add -A
    $null = Invoke-Git $dep commit -q -m first
    Set-Content -LiteralPath (Join-Path $root 'flake.nix') -Value @"
{
  inputs = {
    nixpkgs.url = "path:$pkgs";
    dep.url = "git+file://$dep";
    dep2.url = "git+file://$dep";
    dep2.inputs.nixpkgs.follows = "nixpkgs";
  };
  outputs = { self, nixpkgs, dep, dep2 }: { };
}
"@
    & nix flake lock $root.FullName 2>&1 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "nix flake lock failed in $root" }
    $root.FullName
}

Export-ModuleMember -Function Get-RepositoryRoot, Get-SharedFixtures, New-TestFlake, Get-FileBytesHash, Initialize-Nix, Invoke-Git, New-NixScenario
