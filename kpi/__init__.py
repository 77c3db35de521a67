"""The window's published KPIs and charts (响应率, 办结率, 满意率 …): each declared once as SQL on the cases,
so the figure, the chart and the list of cases behind them always agree. No Flask request in here."""
