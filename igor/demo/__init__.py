"""Demo data: `igor demo`, `igor demo_logins` and the page benchmark `igor bench_pages`.

Everything here is for demonstration and measurement; nothing in the product imports it.
"""
