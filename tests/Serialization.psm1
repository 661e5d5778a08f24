# What the jobs and remoting tests share: which types the module sends, what one trip through
# PowerShell's serialiser must keep of them, and one set of objects to send.

# Properties that stay at home on purpose, by type (the type's entry in FlakeTools.types.ps1xml
# sends a PropertySerializationSet without them). A new property of such a type must be added to
# the set or here, or the tests fail.
$script:NotSent = @{
    'FlakeTools.Core.Locks.FlakeLock' = @('Json', 'Root', 'Nodes')
    # The evaluator's lazy values: they mean something only in the session that read the flake.
    'FlakeTools.Core.Configurations.FlakeConfiguration' = @('Arguments')
    'FlakeTools.Core.Configurations.FlakeModule' = @('Value')
    'FlakeTools.Core.Configurations.PackageSet' = @('Value', 'Config')
}

function Get-ElementType([Type] $Type) {
    if ([Nullable]::GetUnderlyingType($Type)) { return [Nullable]::GetUnderlyingType($Type) }
    if ($Type.IsArray) { return $Type.GetElementType() }
    if ($Type.IsGenericType -and $Type -ne [string]) {
        # IReadOnlyList<T>, IEnumerable<T>, IReadOnlyDictionary<K, V> (its values), KeyValuePair<K, V>
        return $Type.GetGenericArguments()[-1]
    }
    $Type
}

# (An array of FlakeTools objects is a collection: its items are checked one by one.)
function Test-FlakeToolsType([Type] $Type) { $null -ne $Type -and -not $Type.IsArray -and $Type.Namespace -like 'FlakeTools*' }

<#
.SYNOPSIS
    The FlakeTools types the exported cmdlets declare with [OutputType].
#>
function Get-FlakeToolsOutputType {
    Get-Command -Module FlakeTools -CommandType Cmdlet |
        ForEach-Object { $_.OutputType.Type } |
        Where-Object { Test-FlakeToolsType $_ } |
        Sort-Object FullName -Unique
}

<#
.SYNOPSIS
    The public properties of a type that its types.ps1xml entry sends: all of them, or its
    PropertySerializationSet; none for a handle (SerializationMethod String).
#>
function Get-SentProperty([Type] $Type) {
    $data = Get-TypeData -TypeName $Type.FullName
    if ($data -and $data.SerializationMethod -eq 'String') { return }
    $properties = @($Type.GetProperties([Reflection.BindingFlags]'Public, Instance') | Where-Object { $_.GetIndexParameters().Count -eq 0 } | ForEach-Object Name)
    if ($data) { $properties += @($data.Members.Values | Where-Object { $_ -is [System.Management.Automation.Runspaces.ScriptPropertyData] } | ForEach-Object Name) }
    if ($data -and $data.SerializationMethod -eq 'SpecificProperties') {
        return @($data.PropertySerializationSet.ReferencedProperties)
    }
    $properties
}

<#
.SYNOPSIS
    Every FlakeTools type an output object carries, the output types first: each output type and,
    through the properties it sends, the FlakeTools types of their values (enums included).
#>
function Get-FlakeToolsSentType {
    $seen = [Collections.Generic.List[Type]]::new()
    $queue = [Collections.Generic.Queue[Type]]::new()
    foreach ($type in Get-FlakeToolsOutputType) { $queue.Enqueue($type) }
    while ($queue.Count -gt 0) {
        $type = $queue.Dequeue()
        if ($seen.Contains($type)) { continue }
        $seen.Add($type)
        if ($type.IsEnum) { continue }
        foreach ($name in Get-SentProperty $type) {
            $property = $type.GetProperty($name)
            if (-not $property) { continue }
            $element = Get-ElementType $property.PropertyType
            if ((Test-FlakeToolsType $element) -and -not $seen.Contains($element)) { $queue.Enqueue($element) }
        }
    }
    $seen
}

<#
.SYNOPSIS
    What is wrong with how a type is set up for serialisation, as messages (none when it is right).
#>
function Get-SerializationSetupProblem([Type] $Type, [switch] $IsOutputType) {
    $data = Get-TypeData -TypeName $Type.FullName
    $name = $Type.FullName
    if (-not $data -or (-not $data.SerializationDepth -and -not $data.SerializationMethod)) {
        return "$name has no entry in FlakeTools.types.ps1xml (SerializationDepth 2 for data, SerializationMethod String for enums and handles)"
    }
    if ($Type.IsEnum -and $data.SerializationMethod -ne 'String') {
        "$name is an enum: give it SerializationMethod String, or it arrives as a number"
    }
    if ($data.SerializationMethod -ne 'String') {
        $dated = @(Get-SentProperty $Type | Where-Object { $Type.GetProperty($_) -and (Get-ElementType $Type.GetProperty($_).PropertyType) -eq [DateTimeOffset] })
        if ($dated -and $data.SerializationDepth -lt 2) { "$name sends dates ($($dated -join ', ')): it needs SerializationDepth 2, or they arrive as strings" }
    }
    if ($data.SerializationMethod -eq 'SpecificProperties') {
        $sent = @($data.PropertySerializationSet.ReferencedProperties)
        $kept = @($script:NotSent[$name])
        foreach ($property in $Type.GetProperties([Reflection.BindingFlags]'Public, Instance').Name | Where-Object { $_ -notin $sent -and $_ -notin $kept }) {
            "$name.$property is neither sent (PropertySerializationSet in FlakeTools.types.ps1xml) nor listed as staying home (tests/Serialization.psm1)"
        }
    }
    if ($IsOutputType) {
        foreach ($typeName in $name, "Deserialized.$name") {
            $views = @((Get-FormatData -TypeName $typeName -ErrorAction Ignore).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] })
            if (-not $views) { "$typeName has no table view in FlakeTools.format.ps1xml" }
        }
    }
}

function Get-ValueDifference($Live, $Received, [string] $Where, [int] $Depth) {
    if ($null -eq $Live) {
        if ($null -ne $Received -and "$Received" -ne '') { "${Where}: sent null, received '$Received'" }
        return
    }
    if ($null -eq $Received) { return "${Where}: sent '$Live', received null" }
    $type = $Live.GetType()
    switch ($true) {
        ($Live -is [string] -or $type.IsPrimitive -or $Live -is [decimal]) {
            if ($Received -cne $Live -or $Received.GetType() -ne $type) { "${Where}: sent [$($type.Name)] '$Live', received [$($Received.GetType().Name)] '$Received'" }
            return
        }
        ($Live -is [TimeSpan]) {
            # Ages are computed when the command runs: the two runs are seconds apart.
            if ($Received -isnot [TimeSpan] -or [math]::Abs(($Received - $Live).TotalMinutes) -gt 10) { "${Where}: sent the age $Live, received [$($Received.GetType().Name)] '$Received'" }
            return
        }
        ($Live -is [DateTimeOffset]) {
            # A DateTimeOffset where FlakeTools' types rehydrate it (jobs); over SSH, PowerShell
            # deserialises with its default types only, and the date stays a property bag.
            $bag = $Received -is [psobject] -and $Received.pstypenames[0] -eq 'Deserialized.System.DateTimeOffset'
            if (($Received -isnot [DateTimeOffset] -and -not $bag) -or $Received.UtcTicks -ne $Live.UtcTicks -or $Received.Offset -ne $Live.Offset -or $Received.UtcDateTime -ne $Live.UtcDateTime) { "${Where}: sent the date $Live, received [$($Received.GetType().Name)] '$Received'" }
            return
        }
        ($type.IsEnum) {
            if ($Received -isnot [string] -or $Received -cne $Live.ToString()) { "${Where}: sent $($type.Name).$Live, received [$($Received.GetType().Name)] '$Received'" }
            return
        }
        (Test-FlakeToolsType $type) {
            $data = Get-TypeData -TypeName $type.FullName
            if ($data -and $data.SerializationMethod -eq 'String') {
                $source = if ($data.StringSerializationSource) { $Live.($data.StringSerializationSource) } else { $Live.ToString() }
                if ($Received -cne $source) { "${Where}: sent the handle '$source', received '$Received'" }
                return
            }
            if ($Received -isnot [psobject] -or $Received.pstypenames[0] -ne "Deserialized.$($type.FullName)") { return "${Where}: sent a $($type.FullName), received [$($Received.GetType().Name)] '$Received' ($($Received.pstypenames[0]))" }
            if ($Depth -gt 4) { return }
            foreach ($name in Get-SentProperty $type) {
                $receivedProperty = $Received.psobject.Properties[$name]
                if (-not $receivedProperty) { "$Where.${name}: not received"; continue }
                Get-ValueDifference $Live.$name $receivedProperty.Value "$Where.$name" ($Depth + 1)
            }
            return
        }
        ($Live -is [Collections.IDictionary]) {
            if ($Received -isnot [Collections.IDictionary]) { return "${Where}: sent a dictionary, received [$($Received.GetType().Name)] '$Received'" }
            $sentKeys = @($Live.Keys | ForEach-Object { "$_" })
            $receivedKeys = @($Received.Keys | ForEach-Object { "$_" })
            if (($sentKeys -join "`n") -cne ($receivedKeys -join "`n")) { return "${Where}: sent the keys $($sentKeys -join ', '), received $($receivedKeys -join ', ')" }
            foreach ($key in $Live.Keys) { Get-ValueDifference $Live[$key] $Received["$key"] "$Where[$key]" ($Depth + 1) }
            return
        }
        ($Live -is [Collections.IEnumerable]) {
            $sentItems = @($Live)
            $receivedItems = @($Received)
            if ($sentItems.Count -ne $receivedItems.Count) { return "${Where}: sent $($sentItems.Count) items, received $($receivedItems.Count)" }
            for ($i = 0; $i -lt $sentItems.Count; $i++) {
                $item = $sentItems[$i]
                # A key-value pair (FlakeReference.Parameters) travels as its text.
                if ($item.GetType().Name -like 'KeyValuePair*') { if ("$($receivedItems[$i])" -cne "$item") { "$Where[$i]: sent '$item', received '$($receivedItems[$i])'" }; continue }
                Get-ValueDifference $item $receivedItems[$i] "$Where[$i]" ($Depth + 1)
            }
            return
        }
        default {
            if ("$Received" -cne "$Live") { "${Where}: sent [$($type.Name)] '$Live', received '$Received'" }
        }
    }
}

<#
.SYNOPSIS
    How the objects received from a job or a remote session differ from the same objects made
    here: every property the types file sends, at every depth, compared by value (dates as
    dates, enums by name, ages within ten minutes). Returns one message per difference.
#>
function Get-SerializationDifference {
    param([object[]] $Live, [object[]] $Received)
    if ($Live.Count -ne $Received.Count) { return "sent $($Live.Count) objects, received $($Received.Count)" }
    for ($i = 0; $i -lt $Live.Count; $i++) {
        Get-ValueDifference $Live[$i] $Received[$i] "[$i] $($Live[$i].GetType().Name) '$($Live[$i])'" 0
    }
}

<#
.SYNOPSIS
    The read-only commands a fleet runs, one of each output type, as one script block that runs
    the same here, in a job and in a remote session. -Optimize names a copy that
    Optimize-FlakeInput may edit (its suggestions come out only when it writes). -Kahless names a
    NixOS flake with home-manager whose home.nix asks for an argument nobody passes. -Registry names a
    folder with the user, system and global registries (New-FleetFixture); the block points Nix's
    settings at it while the registry cmdlets run and puts the environment back afterwards.
#>
$script:Produce = {
    param([string] $Module, [string] $Desktop, [string] $OldLock, [string] $Optimize, [string] $Registry, [string] $Kahless)
    Import-Module $Module
    Get-FlakeInput -Path $Desktop
    Get-FlakeLockEntry -Path $Desktop -Recurse
    Get-FlakeLock -Path $Desktop
    Test-FlakeLock -Path $Desktop -MaxAge 30d
    Compare-FlakeLock -ReferencePath $OldLock -DifferencePath (Join-Path $Desktop 'flake.lock')
    Optimize-FlakeInput -Path $Optimize -WarningAction SilentlyContinue
    Get-FlakeConfiguration -Path $Desktop, $Kahless
    Get-FlakeModule -Path $Desktop, $Kahless
    Get-FlakeRegistryEntry -Path $Kahless
    Get-NixUnfreeConfig -Path $Kahless
    $settings = @{
        XDG_CONFIG_HOME = Join-Path $Registry 'config'
        XDG_CACHE_HOME = Join-Path $Registry 'cache'
        XDG_CONFIG_DIRS = Join-Path $Registry 'xdg'
        NIX_CONF_DIR = Join-Path $Registry 'etc-nix'
        NIX_CONFIG = "experimental-features = nix-command flakes`nflake-registry = $(Join-Path $Registry 'global.json')"
        NIX_USER_CONF_FILES = $null
        NIX_CONFIG_HOME = $null
        NIX_CACHE_HOME = $null
    }
    # Unset, not empty: an empty NIX_CONFIG_HOME is a setting too. ([Environment]::SetEnvironmentVariable
    # would be given '' for $null.)
    function Set-Environment([hashtable] $Values) {
        foreach ($name in $Values.Keys) {
            if ($null -eq $Values[$name]) { Remove-Item "Env:$name" -ErrorAction Ignore } else { Set-Item "Env:$name" -Value $Values[$name] }
        }
    }
    $saved = @{}
    foreach ($name in $settings.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    Set-Environment $settings
    try {
        Get-FlakeRegistryEntry
        Resolve-FlakeRegistryEntry 'nixpkgs/stable', 'dotfiles'
    }
    finally {
        Set-Environment $saved
    }
}

function Get-FleetCommand { $script:Produce }

<#
.SYNOPSIS
    A desktop flake, an older lock of it (hyprland at another revision), a copy to optimise, the
    kahless flake with `inputs` missing for home.nix, and a set of registries (user: a pinned nixpkgs/stable and a local dotfiles flake in a subfolder;
    system: nixpkgs; global: nixpkgs and home-manager).
#>
function New-FleetFixture {
    param([string] $Destination)
    $desktop = New-TestFlake desktop -Destination (Join-Path $Destination 'desktop')
    $oldLock = Join-Path $Destination 'old.lock'
    $json = Get-Content (Join-Path $desktop 'flake.lock') -Raw | ConvertFrom-Json -AsHashtable
    $json.nodes.hyprland.locked.rev = 'a' * 40
    $json.nodes.hyprland.locked.lastModified = 1700000000
    $json | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $oldLock
    $kahless = New-TestFlake kahless -Destination (Join-Path $Destination 'kahless')
    $home = Join-Path $kahless 'home.nix'
    (Get-Content -LiteralPath $home -Raw).Replace('{ pkgs, elgato, pkgs-unstable, ... }:', '{ pkgs, elgato, pkgs-unstable, inputs, ... }:') | Set-Content -LiteralPath $home -NoNewline
    $registry = Join-Path $Destination 'registry'
    $null = New-Item -ItemType Directory -Force -Path "$registry/config/nix", "$registry/cache", "$registry/etc-nix", "$registry/xdg"
    $registries = @{
        'config/nix/registry.json' = @(
            @{ from = @{ type = 'indirect'; id = 'nixpkgs'; ref = 'stable' }; to = @{ type = 'github'; owner = 'NixOS'; repo = 'nixpkgs'; ref = 'nixos-24.05' } }
            @{ from = @{ type = 'indirect'; id = 'dotfiles' }; to = @{ type = 'path'; path = (Join-Path $Destination 'dotfiles'); dir = 'nix' }; exact = $true }
        )
        'etc-nix/registry.json' = @(
            @{ from = @{ type = 'indirect'; id = 'nixpkgs' }; to = @{ type = 'github'; owner = 'NixOS'; repo = 'nixpkgs'; ref = 'nixos-unstable' } }
        )
        'global.json' = @(
            @{ from = @{ type = 'indirect'; id = 'nixpkgs' }; to = @{ type = 'github'; owner = 'NixOS'; repo = 'nixpkgs'; ref = 'nixpkgs-unstable' } }
            @{ from = @{ type = 'indirect'; id = 'home-manager' }; to = @{ type = 'github'; owner = 'nix-community'; repo = 'home-manager' } }
        )
    }
    foreach ($file in $registries.Keys) {
        [ordered]@{ version = 2; flakes = $registries[$file] } | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $registry $file)
    }
    [pscustomobject]@{
        Desktop  = $desktop
        OldLock  = $oldLock
        # One copy for both runs (here, then remote), put back in between: same paths, same objects.
        Optimize = New-TestFlake desktop -Destination (Join-Path $Destination 'optimize')
        Registry = $registry
        Kahless  = $kahless
    }
}

<# Puts the copy Optimize-FlakeInput edited back as it was. #>
function Reset-FleetFixture($Fixture) {
    Copy-Item -LiteralPath (Join-Path $Fixture.Desktop 'flake.nix') -Destination (Join-Path $Fixture.Optimize 'flake.nix') -Force
}

Export-ModuleMember -Function Get-FlakeToolsOutputType, Get-FlakeToolsSentType, Get-SerializationSetupProblem, Get-SerializationDifference, Get-FleetCommand, New-FleetFixture, Reset-FleetFixture
