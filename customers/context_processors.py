from customers.roles import user_is_store_staff


def roles(request) -> dict:
    """What the navigation needs to know about the signed-in person's roles."""
    return {"is_store_staff": user_is_store_staff(request.user) if hasattr(request, "user") else False}
