from __future__ import annotations

from tests.personas import Personas, logged_in


def test_it_shows_the_start_page_after_both_login_steps(personas: Personas) -> None:
    response = logged_in(personas.police_a).get("/")
    assert response.status_code == 200
    assert "Välkommen" in response.content.decode() or "Welcome" in response.content.decode()
