{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs";
    systems.url = "github:nix-systems/default-linux";
    hyprland.url = "github:hyprwm/Hyprland";
    hyprland.inputs.nixpkgs.follows = "nixpkgs";
    hyprland.inputs.hyprlang.inputs.nixpkgs.follows = "nixpkgs";
    hyprland.inputs.hyprlang.inputs.systems.follows = "systems";
    hyprland.inputs.aquamarine.inputs.hyprutils.follows = "hyprland/hyprutils";
    crane.url = "github:ipetkov/crane";
    crane.inputs.nixpkgs.follows = "";
    nixpkgs-stable.follows = "nixpkgs";
  };
  outputs = { self, ... }@inputs: { };
}
