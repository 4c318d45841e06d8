"""The benefits service: policy-support applications, their deciding agencies, and the agency feeds."""
