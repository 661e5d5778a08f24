{ pkgs, inputs, ... }:
{
  programs.hyprland = {
    enable = true;
    package = inputs.hyprland.packages.${pkgs.system}.hyprland;
  };
  environment.systemPackages = [ inputs.waybar.packages.${pkgs.system}.waybar ];
  system.stateVersion = "24.05";
}
