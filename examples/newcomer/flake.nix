{
  description = "A first NixOS flake: a laptop with Hyprland and Waybar, and home-manager on its own";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

    home-manager.url = "github:nix-community/home-manager/release-24.05";
    home-manager.inputs.nixpkgs.follows = "nixpkgs";

    # The releases I want, not whatever nixpkgs happens to have.
    hyprland.url = "github:hyprwm/Hyprland/v0.41.2";
    hyprland.inputs.nixpkgs.follows = "nixpkgs";
    waybar.url = "github:Alexays/Waybar/0.10.4";
    waybar.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, home-manager, hyprland, waybar }: {
    nixosConfigurations.laptop = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ];
    };

    homeConfigurations."alex@laptop" = home-manager.lib.homeManagerConfiguration {
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      modules = [ ./home.nix ];
    };
  };
}
