@{
    RootModule           = 'bin/FlakeTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1e2a4c-9d3b-4e57-8a0f-2c6b7d9e4f13'
    Author               = 'FlakeTools contributors'
    CompanyName          = 'FlakeTools'
    Copyright            = '(c) FlakeTools contributors. All rights reserved.'
    Description          = 'Nix flakes as PowerShell pipeline objects: the inputs of flake.nix, the entries of flake.lock, flake registries and nixpkgs unfree settings.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Loaded before TypesToProcess, which names a converter in it.
    RequiredAssemblies   = @('bin/FlakeTools.dll')
    TypesToProcess       = @('bin/FlakeTools.types.ps1xml')
    FormatsToProcess     = @('bin/FlakeTools.format.ps1xml')
    CmdletsToExport      = @(
        'Get-FlakeInput'
        'Add-FlakeInput'
        'Set-FlakeInput'
        'Remove-FlakeInput'
        'Update-FlakeInput'
        'Optimize-FlakeInput'
        'Get-FlakeLock'
        'Get-FlakeLockEntry'
        'Compare-FlakeLock'
        'Test-FlakeLock'
        'Get-FlakeRegistryEntry'
        'Resolve-FlakeRegistryEntry'
        'Add-FlakeRegistryEntry'
        'Remove-FlakeRegistryEntry'
        'Get-FlakeConfiguration'
        'Get-FlakeModule'
        'Test-Flake'
        'Get-NixUnfreeConfig'
        'Set-NixUnfreeConfig'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('Nix', 'NixOS', 'Flakes', 'flake.lock', 'Linux')
        }
    }
}
