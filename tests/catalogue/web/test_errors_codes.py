"""problem+json sends each refusal's stable code beside its English text (issue 9, part 4).

``errors`` stays field -> [English text]; ``codes`` gives, in the same place, each message's code
and parameters (null for a message without one); a refused action's ``detail`` has ``code`` and
``params`` beside it. A page shows the same refusal in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalogue.errors import ErrorCode, FieldError


def test_a_coded_field_and_a_plain_one_side_by_side(client: Any) -> None:
    # The profile's weight is a service's code; the page's own "vervang without door" is text.
    response = client.get(
        "/advies/plan?gewicht_hosting=abc", headers={"Accept": "application/json"}
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["errors"] == {"gewicht_hosting": ["must be a number from 0 to 10"]}
    assert body["codes"] == {"gewicht_hosting": [{"code": "weight_out_of_range", "params": {}}]}
    plain = client.get("/advies/plan?vervang=open-zaak", headers={"Accept": "application/json"})
    assert plain.status_code == 422
    body = plain.get_json()
    assert list(body["errors"]) == list(body["codes"]) == ["vervang"]
    assert body["codes"]["vervang"] == [{"code": None, "params": {}}] * len(
        body["errors"]["vervang"]
    )


@pytest.mark.both_backends
def test_a_refused_action_has_its_code_beside_english_whatever_the_readers_language(
    client: Any,
) -> None:
    """An unknown GEMMA element: the API's detail is English with the code, nothing translated."""
    response = client.get(
        "/api/v1/reference-components/bestaat-niet", headers={"Accept-Language": "nl"}
    )
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == "gemma_element_unknown"
    assert body["params"]["slug"] == "bestaat-niet"
    assert body["detail"] == FieldError(ErrorCode.GEMMA_ELEMENT_UNKNOWN, **body["params"])
    assert "bestaat niet" not in body["detail"]  # English, whatever the reader's language


def test_a_parameter_json_cannot_hold_is_sent_as_its_text() -> None:
    from catalogue.web.errors import coded

    refused = FieldError(
        ErrorCode.HARVEST_FILE_GONE_SINCE, status=404, name="X", since=dt.date(2026, 1, 2)
    )
    assert coded(refused) == {
        "code": "harvest_file_gone_since",
        "params": {"status": 404, "name": "X", "since": "2026-01-02"},
    }
    assert coded("plain text") == {"code": None, "params": {}}
