"""The URLs of the calls: one module per audience, each including one list per area.

- `backoffice.py`: namespace `calls`, mounted at `<org>/appels/` (members of the organisation);
- `applicant.py`: namespace `applicant`, mounted at `comptes/acteur/candidatures/` (an actor's account);
- `public.py`: namespace `public_calls`, mounted at `public/<slug>/appels/` (no login).

An area's module (`calls.py`, `applications.py`, `instruction.py`, `reviews.py`, `committee.py`, `grants.py`)
holds the routes of the views of the same name, as one list per audience that serves them: `backoffice`,
`applicant`, `public`.
"""
