{ pkgs, elgato, pkgs-unstable, ... }:
{
  # Has no effect here: with home-manager.useGlobalPkgs the system's nixpkgs settings are used.
  nixpkgs.config.allowUnfree = true;

  home.packages = [
    elgato.packages.x86_64-linux.default
    pkgs-unstable.discord # unfree, from the second nixpkgs
  ];
  home.stateVersion = "24.05";
}
