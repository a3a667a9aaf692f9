from ninja import Router

router = Router(tags=["notary"])
