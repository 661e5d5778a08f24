#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the FlakeTools module.
.DESCRIPTION
    Build    compiles the module (src/FlakeTools and what it references); it is laid out in ./bin
             beside FlakeTools.psd1, so `Import-Module ./FlakeTools.psd1` works afterwards.
             (tests/run-all.sh builds the whole solution, tests and benchmarks included.)
    Test     runs every test the machine can run (tests/run-all.sh: xunit, real nix, Pester).
    Docs     turns docs/*.md (PlatyPS markdown) into MAML help in ./en-US, where Get-Help looks
             (the module base's culture folder). en-US/ is kept in the repository, so help works
             on machines without PlatyPS; run Docs after changing docs/ (a Pester test checks
             that the two agree wherever PlatyPS is installed).
    Package  lays out out/FlakeTools/<version>/ for Import-Module and Publish-Module.
    Clean    removes build output.
.EXAMPLE
    ./build.ps1 Build, Docs
.EXAMPLE
    ./build.ps1 Package -Configuration Release
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Where Docs writes the MAML help; the module's own en-US/ unless a test asks for another folder.
    [string] $HelpFolder = (Join-Path $PSScriptRoot 'en-US')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$manifest = Import-PowerShellDataFile -Path (Join-Path $root 'FlakeTools.psd1')
$version = $manifest.ModuleVersion

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-BuildTask {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/FlakeTools/FlakeTools.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    Write-Host "Built FlakeTools $version ($Configuration) into $(Join-Path $root 'bin')"
}

<#
    PlatyPS v1 writes an example's code as a markdown fence inside its introduction and leaves
    <dev:code> empty, so Get-Help -Examples would show the fences and no code. Moves the first
    fenced block into <dev:code> and the prose after it into <dev:remarks>.
#>
function Format-MamlExamples {
    param([string] $Path, [string] $Destination)
    $document = [xml]::new()
    $document.PreserveWhitespace = $true
    $document.Load($Path)
    $names = [System.Xml.XmlNamespaceManager]::new($document.NameTable)
    $names.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $names.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $names.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    foreach ($example in $document.SelectNodes('//command:example', $names)) {
        $introduction = $example.SelectSingleNode('maml:introduction', $names)
        $code = $example.SelectSingleNode('dev:code', $names)
        $remarks = $example.SelectSingleNode('dev:remarks', $names)
        $paragraphs = @($introduction.SelectNodes('maml:para', $names))
        $fence = $paragraphs | Where-Object { $_.InnerText -match '^```(powershell|pwsh)?\r?\n' } | Select-Object -First 1
        if (-not $fence -or $code.InnerText) { continue }
        $code.InnerText = ($fence.InnerText -replace '^```(powershell|pwsh)?\r?\n', '' -replace '\r?\n```\s*$', '')
        $after = $false
        foreach ($paragraph in $paragraphs) {
            if ($paragraph -eq $fence) { $after = $true; $null = $introduction.RemoveChild($paragraph); continue }
            if (-not $after) { continue }
            $null = $introduction.RemoveChild($paragraph)
            # PlatyPS marks the blank line after a fence with a lone U+0080; it carries no text.
            if (-not $paragraph.InnerText.Trim([char]0x80).Trim()) { continue }
            # Sample output is fenced too: keep the text, drop the fence lines.
            $paragraph.InnerText = $paragraph.InnerText -replace '^```\w*\r?\n', '' -replace '\r?\n```\s*$', ''
            $null = $remarks.AppendChild($paragraph)
        }
    }
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($Destination, $settings)
    try { $document.Save($writer) } finally { $writer.Dispose() }
}

function Invoke-DocsTask {
    $platy = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $platy) {
        throw 'Docs needs the Microsoft.PowerShell.PlatyPS module (Install-PSResource Microsoft.PowerShell.PlatyPS).'
    }
    Import-Module $platy -Force
    $staging = Join-Path ([IO.Path]::GetTempPath()) "flaketools-maml-$PID"
    try {
        $help = Get-ChildItem (Join-Path $root 'docs') -Filter '*-*.md' | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName }
        $null = $help | Export-MamlCommandHelp -OutputFolder $staging -Force
        $target = $HelpFolder
        $null = New-Item -ItemType Directory -Force -Path $target
        $maml = Get-ChildItem $staging -Recurse -Filter '*.xml' | Select-Object -First 1
        Format-MamlExamples -Path $maml.FullName -Destination (Join-Path $target 'FlakeTools.dll-Help.xml')
        $about = Join-Path $root 'docs/about_FlakeTools.md'
        if (Test-Path $about) { Copy-Item $about (Join-Path $target 'about_FlakeTools.help.txt') -Force }
        Write-Host "Help written to $target"
    }
    finally {
        Remove-Item $staging -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-TestTask {
    Invoke-Native bash @((Join-Path $root 'tests/run-all.sh'))
}

function Invoke-PackageTask {
    # The help ships from the en-US/ kept in the repository: packaging needs no PlatyPS.
    Invoke-BuildTask
    $destination = Join-Path $root "out/FlakeTools/$version"
    Remove-Item $destination -Recurse -Force -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $destination 'bin')
    Copy-Item (Join-Path $root 'FlakeTools.psd1') $destination
    Copy-Item (Join-Path $root 'en-US') $destination -Recurse
    Copy-Item (Join-Path $root 'bin/*') (Join-Path $destination 'bin') -Recurse -Exclude '*.pdb'
    Copy-Item (Join-Path $root 'README.md') $destination
    $null = Test-ModuleManifest (Join-Path $destination 'FlakeTools.psd1')
    Write-Host "Packaged $destination"
}

function Invoke-CleanTask {
    foreach ($folder in 'bin', 'out') { Remove-Item (Join-Path $root $folder) -Recurse -Force -ErrorAction SilentlyContinue }
    Invoke-Native dotnet @('clean', (Join-Path $root 'FlakeTools.sln'), '--nologo', '-v', 'quiet')
}

foreach ($name in $Task) {
    & "Invoke-${name}Task"
}
