"""Staff data entry for the services app (board members get the same pages read-only).

Invoices are entered on one page: header (client and contract autocomplete), lines
inline, totals computed by `actions.invoice_recompute_totals` when the page is
saved. Drafts become invoices with the "mark as issued" action, which numbers them.
Big lists never count the whole table, never run a SELECT DISTINCT for a filter,
and cost the same number of queries for 1 or 50 rows.

Drill-down URLs the dashboards may link to (every parameter is optional):

    /admin/services/invoice/?issue_date_year=2024&status__exact=issued
        &service_line__code__exact=it-licensing&client__id__exact=3
        &credit_note=yes|no  &payment=paid|unpaid|partial|overdue  &open_on=2024-12-31
    /admin/services/payment/?date_year=2024&invoice__service_line__code__exact=it-licensing
        &invoice__client__id__exact=3&method__exact=transfer
    /admin/services/refund/?date_year=2024&invoice__service_line__code__exact=it-licensing
        &invoice__client__id__exact=3
    /admin/services/contract/?status__exact=active&kind__exact=recurring
        &service_line__code__exact=it-licensing&client__id__exact=3
        &partner__isempty=0  (the contracts with a partner: their revenue is shared)
    /admin/services/memberturnover/?month_year=2024
    /admin/services/revenuetarget/?year=2024
    /admin/services/guaranteeadvance/?date_year=2024  &recovered_on_year=2024
        &outstanding=yes|no|2024  (2024: outstanding at 31 December 2024)

`issue_date_year`, `date_year` and `month_year` filter on a date range of the
year (indexes apply); `client__id__exact` takes a client's primary key (as in
`ClientRevenue.client_id` from the selectors); `service_line__code__exact` takes a
service code; `open_on` takes an ISO date and keeps the invoices with something due on that day
(the receivables' ageing).

The pages are registered when this package is imported (one module per concept).
"""

from . import catalog, contracts, guarantee, invoices, margins, payments

__all__ = ["catalog", "contracts", "guarantee", "invoices", "margins", "payments"]
