{ pkgs, inputs, ... }:
{
  home.username = "alex";
  home.homeDirectory = "/home/alex";

  # The bar's own settings; the bar itself is installed by the system.
  programs.waybar.enable = true;
  wayland.windowManager.hyprland.enable = true;

  home.stateVersion = "24.05";
}
