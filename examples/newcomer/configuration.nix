{ config, pkgs, ... }:
{
  imports = [ ./hardware.nix ];

  networking.hostName = "laptop";
  users.users.alex = {
    isNormalUser = true;
    extraGroups = [ "wheel" "video" ];
  };

  # Hyprland and a bar for it.
  programs.hyprland.enable = true;
  environment.systemPackages = [ pkgs.waybar pkgs.kitty ];

  system.stateVersion = "24.05";
}
