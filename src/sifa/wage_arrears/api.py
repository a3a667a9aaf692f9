from ninja import Router

router = Router(tags=["wage_arrears"])
