<!-- placeholder until the admin page lands -->
