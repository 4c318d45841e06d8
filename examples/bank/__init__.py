"""An example lending bank that receives micro-loan applications from Reemploy and decides them."""
