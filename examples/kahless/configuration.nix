{ pkgs, ... }:
{
  networking.hostName = "kahless";
  users.users.worf = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
  };

  # Unfree packages for the system (and, with useGlobalPkgs, for home-manager).
  nixpkgs.config.allowUnfree = true;
  environment.systemPackages = [ pkgs.steam-run ];

  system.stateVersion = "24.05";
}
