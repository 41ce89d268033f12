using Microsoft.AspNetCore.Components;

namespace Nris.Server.Components.Shared;

/// <summary>Base of the signed-in pages: an anonymous visitor is sent to sign-in and comes back afterwards.</summary>
public abstract class SignedInPage : ComponentBase
{
    [Inject] protected UiContext Ui { get; set; } = null!;

    [Inject] protected NavigationManager Nav { get; set; } = null!;

    protected UiUser? User { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        User = await Ui.UserAsync();
        if (User is null)
        {
            Nav.NavigateTo("sign-in?returnUrl=" + Uri.EscapeDataString("/" + Nav.ToBaseRelativePath(Nav.Uri)));
            return;
        }

        await LoadAsync();
    }

    /// <summary>Loads the page for <see cref="User"/>, who is signed in.</summary>
    protected abstract Task LoadAsync();
}
