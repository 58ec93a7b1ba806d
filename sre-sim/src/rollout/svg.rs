//! [`render_rollout_svg`]: a rollout run as a picture.
