"""办事指南卡片: which card answers a recurring problem, linking one to it, and the card as a printed page."""
