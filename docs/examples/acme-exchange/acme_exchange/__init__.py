"""acme-exchange: an example plugin for teacher-exchange (see ``acme_exchange.plugin``)."""
