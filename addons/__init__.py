"""Extensions the Rasa server loads: NLU components (config.yml) and the tracker store
(endpoints.yml)."""
