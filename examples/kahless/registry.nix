{ pkgs, ... }:
{
  nix.settings.experimental-features = [ "nix-command" "flakes" ];
  # Old commands (nix-shell -p) look in NIX_PATH; point it at the registry's nixpkgs.
  nix.nixPath = [ "nixpkgs=flake:nixpkgs" ];
}
