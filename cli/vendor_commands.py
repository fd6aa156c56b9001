"""Commands about vendors (the payees of payment requests): vendor add, vendor list."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .i18n import language, t
from .options import DbOption, FormatOption, OutputOption
from .render import check_format, emit
from .session import store_for

vendor_app = typer.Typer(help="Vendors (收款单位): credit code, bank and account for payment requests.", no_args_is_help=True)

# The listing's own headings: "account" is a bank account here, not the operating-system account of the history.
HEADINGS_ZH = {"name": "收款单位", "credit_code": "统一社会信用代码", "bank": "开户行", "account": "账号", "contact": "联系人"}


def register(app: typer.Typer) -> None:
    app.add_typer(vendor_app, name="vendor")
    vendor_app.command("add")(vendor_add)
    vendor_app.command("list")(vendor_list)


def vendor_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The vendor's name, exactly as contracts write it (their vendor field).")],
    credit_code: Annotated[Optional[str], typer.Option(help="统一社会信用代码: 18 characters, the last a check character.")] = None,
    bank: Annotated[Optional[str], typer.Option(help="开户行: the bank and branch of the account.")] = None,
    account: Annotated[Optional[str], typer.Option(help="账号: the account number (digits, spaces, hyphens).")] = None,
    contact: Annotated[Optional[str], typer.Option(help="A person or telephone number to ask.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Change the details given of a vendor that exists (the others are kept).")] = False,
    db: DbOption = None,
) -> None:
    """Add a vendor (or with --update correct one): what a payment request prints as payee, bank and account."""
    from contracts.vendors import make_vendor

    given = {"credit_code": credit_code, "bank": bank, "account": account, "contact": contact}
    vendor = make_vendor({"name": name, **given})  # every bad value refused before the store is opened
    with store_for(ctx, db) as store:
        stored = store.vendor(vendor.name) if update else None
        if stored is not None:  # --update changes what is given and keeps the rest
            vendor = make_vendor({"name": vendor.name, **{key: getattr(stored, key) if value is None else value
                                                          for key, value in given.items()}})
        status = store.add_vendor(vendor, update=update)
    print(f"{status}: vendor {vendor.name}")


def vendor_list(ctx: typer.Context, format: FormatOption = "table", output: OutputOption = None, db: DbOption = None) -> None:
    """Every vendor with its credit code, bank, account and contact."""
    from contracts.vendors import VENDOR_KEYS, vendor_rows

    fmt = check_format(format, output)
    with store_for(ctx, db) as store:
        rows = vendor_rows(store.vendors())
    emit(rows, fmt, keys=VENDOR_KEYS, headers=HEADINGS_ZH if language() == "zh" else {}, title=t("Vendors"),
         empty="no vendors yet")
