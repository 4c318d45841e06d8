"""The complaints service: the workers' rights-protection service station (维权服务站)."""
