"""Field encryption for personal data: AES-GCM with rotating keys and HMAC blind indexes."""
