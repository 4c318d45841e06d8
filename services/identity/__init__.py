"""The identity service: OAuth2 tokens for staff and clients, the JWKS, signing-key rotation."""
