"""Email addresses as staff pages show them: enough to tell two apart, not enough to copy one out."""


def mask_address(address: str) -> str:
    """'ahmad.wali@example.org' -> 'a***@example.org'. The domain stays: it tells a typo (gmial.com)."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"
